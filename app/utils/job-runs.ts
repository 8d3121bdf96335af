import type { JobStatus } from "../../db/schema/index.ts";
import type { RecentJob } from "../../db/queries/jobs.ts";
import { formatAmount, type TokenDisplay } from "./tokens.ts";
import { utcTime } from "./utc-time.ts";

/** One job run as the Treasury lists it: what it is, its state, when, and what came of it (or why it failed). */
export interface JobRunView {
  id: number;
  what: string;
  status: JobStatus;
  /** What the run did, or the reason it failed; null while it has not finished. */
  outcome: string | null;
  queuedAt: string;
  /** When a queued run is due, if later than it was queued (a debounced consensus run). */
  dueAt: string | null;
  finishedAt: string | null;
  attempts: number;
}

/** The Treasury's runs: payouts and settlements (what moves money), and consensus runs (what decides it). */
export interface TreasuryJobRuns {
  payouts: JobRunView[];
  consensus: JobRunView[];
  /** When this was read (server clock): the newer of two readings wins on the page. */
  at: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function title(job: RecentJob): string {
  if (job.kind === "payout") return `Payout of ${job.key}`;
  if (job.kind === "settle-payouts") return "Settle payouts";
  if (job.kind === "consensus") return `Consensus of ${job.projectTitle ?? "a deleted project"}`;
  return `${job.kind} ${job.key}`;
}

interface PayoutResult {
  planned?: boolean;
  labelers?: { amount: string }[];
  transactions?: { status: string }[];
  awaitingWallet?: number;
  isolated?: { reason: string }[];
}

function payoutOutcome(r: PayoutResult, token: TokenDisplay): string {
  const labelers = r.labelers ?? [];
  const total = labelers.reduce((sum, l) => sum + BigInt(l.amount), 0n);
  const parts = [
    labelers.length
      ? `${plural(labelers.length, "labeler")} earned ${formatAmount(total, token)}`
      : "nobody earned anything that day",
  ];
  if (r.awaitingWallet) parts.push(`${r.awaitingWallet} awaiting a wallet`);
  const transactions = r.transactions ?? [];
  if (transactions.length)
    parts.push(
      `${transactions.filter((t) => t.status === "confirmed").length} of ${plural(transactions.length, "transaction")} landed on chain`,
    );
  for (const p of r.isolated ?? []) parts.push(`a project left out: ${p.reason}`);
  return `${r.planned === false ? "Already planned; settled what was left: " : ""}${parts.join("; ")}.`;
}

function outcome(job: RecentJob, token: TokenDisplay): string | null {
  if (job.status === "failed") return job.error ?? "failed without a reason";
  if (job.status !== "done" || !job.result) return null;
  const r = job.result;
  if (job.kind === "payout") return payoutOutcome(r as PayoutResult, token);
  if (job.kind === "settle-payouts") {
    const batches = Number(r.batches ?? 0);
    return batches
      ? `${Number(r.confirmed ?? 0)} of ${plural(batches, "batch", "batches")} landed on chain.`
      : "Nothing to settle.";
  }
  if (job.kind === "consensus") {
    if (r.status === "skipped") return `Skipped: ${String(r.reason)}.`;
    return `${plural(Number(r.items ?? 0), "item")} and ${plural(Number(r.labelers ?? 0), "labeler")} scored.`;
  }
  return null;
}

/** A job run as people read it. */
export function jobRunView(job: RecentJob, token: TokenDisplay): JobRunView {
  return {
    id: job.id,
    what: title(job),
    status: job.status,
    outcome: outcome(job, token),
    queuedAt: utcTime(job.createdAt),
    dueAt: job.status === "queued" && job.runAt.getTime() > job.createdAt.getTime() ? utcTime(job.runAt) : null,
    finishedAt: job.finishedAt ? utcTime(job.finishedAt) : null,
    attempts: job.attempts,
  };
}
