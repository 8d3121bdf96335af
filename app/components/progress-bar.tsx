export function ProgressBar({ value, max, label }: { value: number; max: number; label?: string }) {
  const pct = max > 0 ? Math.min(100, (value / max) * 100) : 0;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-label={label}
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
      <span className="progress-text">{label ?? `${pct.toFixed(0)}%`}</span>
    </div>
  );
}

/** Stacked bar of done / in progress / open. */
export function StackedProgress({ done, inProgress, open }: { done: number; inProgress: number; open: number }) {
  const total = done + inProgress + open || 1;
  const seg = (n: number) => `${(n / total) * 100}%`;
  return (
    <div className="stacked" aria-label={`${done} done, ${inProgress} in progress, ${open} open`}>
      <div className="seg done" style={{ width: seg(done) }} title={`${done} done`} />
      <div className="seg inprogress" style={{ width: seg(inProgress) }} title={`${inProgress} in progress`} />
      <div className="seg open" style={{ width: seg(open) }} title={`${open} open`} />
    </div>
  );
}
