import { useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { JobRunView, TreasuryJobRuns } from "~/utils/job-runs.ts";
import "./job-runs.css";

const STATUS_WORDS: Record<JobRunView["status"], string> = {
  queued: "Queued",
  running: "Running…",
  failed: "Failed",
  done: "Done",
};

const isActive = (r: JobRunView) => r.status === "queued" || r.status === "running";

/** Whether any of the runs is still queued or running. */
export const hasActiveRuns = (runs: TreasuryJobRuns) => [...runs.payouts, ...runs.consensus].some(isActive);

/**
 * The Treasury's job runs, kept live: while any run is queued or running, only the runs are fetched again (from
 * /admin/job-runs) `ms` after the last reading, not the whole page; when a payout or settlement run finishes, the
 * whole page is read once more (its balances and transactions changed). The newer of the page's and the poll's
 * readings is shown.
 */
export function useLiveJobRuns(fromPage: TreasuryJobRuns, ms = 2000): TreasuryJobRuns {
  const fetcher = useFetcher<TreasuryJobRuns>();
  const revalidator = useRevalidator();
  const runs = fetcher.data && fetcher.data.at > fromPage.at ? fetcher.data : fromPage;
  const active = hasActiveRuns(runs);
  useEffect(() => {
    if (!active || fetcher.state !== "idle") return;
    const id = setTimeout(() => {
      if (document.visibilityState === "visible") fetcher.load("/admin/job-runs");
    }, ms);
    return () => clearTimeout(id);
  }, [active, fetcher, ms]);

  const activePayouts = runs.payouts
    .filter(isActive)
    .map((r) => r.id)
    .join(",");
  const watched = useRef(activePayouts);
  useEffect(() => {
    const still = activePayouts.split(",");
    const finished = watched.current !== "" && watched.current.split(",").some((id) => !still.includes(id));
    watched.current = activePayouts;
    if (finished && revalidator.state === "idle") revalidator.revalidate();
  }, [activePayouts, revalidator]);
  return runs;
}

/** What the newest payout run is doing, in one sentence for the live region. */
export function latestPayoutWords(runs: readonly JobRunView[]): string {
  const latest = runs[0];
  if (!latest) return "No payout has run yet.";
  const state =
    latest.status === "failed"
      ? `failed: ${latest.outcome}`
      : latest.status === "done"
        ? "done."
        : latest.status === "running"
          ? "running…"
          : "queued…";
  return `Latest: ${latest.what}, ${state}`;
}

export function JobRunsTable({ label, runs, empty }: { label: string; runs: readonly JobRunView[]; empty: string }) {
  if (runs.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table className="job-runs" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Status</th>
          <th scope="col">Queued</th>
          <th scope="col">Finished</th>
          <th scope="col">Outcome or reason</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-status={r.status}>
            <td data-label="Run">{r.what}</td>
            <td data-label="Status">
              <span className={`job-status ${r.status}`}>{STATUS_WORDS[r.status]}</span>
              {r.attempts > 1 ? <span className="small muted"> (attempt {r.attempts})</span> : null}
            </td>
            <td data-label="Queued" className="small">
              {r.queuedAt}
              {r.dueAt ? <div className="muted">due {r.dueAt}</div> : null}
            </td>
            <td data-label="Finished" className="small">
              {r.finishedAt ?? "—"}
            </td>
            <td data-label="Outcome" className={r.status === "failed" ? "job-reason" : undefined}>
              {r.outcome ?? "—"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
