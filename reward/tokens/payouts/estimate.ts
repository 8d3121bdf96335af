/**
 * Earnings as they accrue: what the answers no epoch has planned yet would earn if their day were planned now, by
 * the payout plan's own rule (labels × reward per label × the weight of the labeler's current quality).
 */

import type { Db } from "../../../db/client.ts";
import { listProjectEarnings, type ProjectEarningsRow } from "../../../db/queries/payouts/earnings.ts";
import { PPM, qualityWeightPpm } from "./plan.ts";

export interface EstimatedProjectEarnings extends ProjectEarningsRow {
  /** False until a consensus run has scored the labeler on the project (the plan would weigh them 0). */
  scored: boolean;
  weightPpm: number;
  /** An estimate: the plan fixes the amount when the day is planned, with the quality then and the project's funds. */
  estimate: bigint;
  /** What the same answers earn at a quality weight of 1: the most they can earn. */
  atFullRate: bigint;
}

export interface EarningsTotals {
  estimate: bigint;
  planned: bigint;
  awaitingWallet: bigint;
  paid: bigint;
}

export function estimateProjectEarnings(row: ProjectEarningsRow): EstimatedProjectEarnings {
  const weightPpm = qualityWeightPpm(row.quality ?? 0, row.flags.includes("adversarial"));
  const atFullRate = BigInt(row.unplannedLabels) * row.rewardPerLabel;
  const estimate = (atFullRate * BigInt(weightPpm)) / PPM;
  return { ...row, scored: row.quality !== null, weightPpm, estimate, atFullRate };
}

export function totalEarnings(rows: readonly EstimatedProjectEarnings[]): EarningsTotals {
  const totals: EarningsTotals = { estimate: 0n, planned: 0n, awaitingWallet: 0n, paid: 0n };
  for (const r of rows) {
    totals.estimate += r.estimate;
    totals.planned += r.planned;
    totals.awaitingWallet += r.awaitingWallet;
    totals.paid += r.paid;
  }
  return totals;
}

/** A labeler's earnings per project, with the estimate of what is not planned yet, and the totals. */
export async function labelerEarnings(
  db: Db,
  params: { labelerId: string },
): Promise<{ projects: EstimatedProjectEarnings[]; totals: EarningsTotals }> {
  const projects = (await listProjectEarnings(db, params)).map(estimateProjectEarnings);
  return { projects, totals: totalEarnings(projects) };
}
