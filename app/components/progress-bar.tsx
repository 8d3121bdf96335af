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

/** Stacked bar of done / in progress / open (and, for form items, awaiting generated responses). */
export function StackedProgress({
  done,
  inProgress,
  open,
  awaitingResponses = 0,
}: {
  done: number;
  inProgress: number;
  open: number;
  awaitingResponses?: number;
}) {
  const total = done + inProgress + open + awaitingResponses || 1;
  const seg = (n: number) => `${(n / total) * 100}%`;
  const awaiting = awaitingResponses ? `, ${awaitingResponses} awaiting responses` : "";
  return (
    <div className="stacked" role="img" aria-label={`${done} done, ${inProgress} in progress, ${open} open${awaiting}`}>
      <div className="seg done" style={{ width: seg(done) }} title={`${done} done`} />
      <div className="seg inprogress" style={{ width: seg(inProgress) }} title={`${inProgress} in progress`} />
      <div className="seg open" style={{ width: seg(open) }} title={`${open} open`} />
      {awaitingResponses ? (
        <div
          className="seg"
          style={{ width: seg(awaitingResponses), background: "#8f97aa" }}
          title={`${awaitingResponses} awaiting responses`}
        />
      ) : null}
    </div>
  );
}
