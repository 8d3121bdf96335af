/**
 * Earnings as they accrue: what the answers no epoch has planned yet would earn if they were planned now, by the
 * payout plan's own rule (labels × reward per label × the weight of the labeler's current quality). The answers
 * approved are paid by the next payout; those awaiting review once approved (by a person, or when the project's
 * approval delay ends); rejected answers are not counted.
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
  /** The part of the estimate for the answers awaiting review, and for those approved (they add up to it). */
  estimateAwaitingReview: bigint;
  estimateApproved: bigint;
  /** What the same answers earn at a quality weight of 1: the most they can earn. */
  atFullRate: bigint;
}

export interface EarningsTotals {
  estimate: bigint;
  /** The estimate's parts: answers awaiting review, and answers approved and waiting for the next payout. */
  awaitingReview: bigint;
  approved: bigint;
  planned: bigint;
  awaitingWallet: bigint;
  paid: bigint;
}

export function estimateProjectEarnings(row: ProjectEarningsRow): EstimatedProjectEarnings {
  const weightPpm = qualityWeightPpm(row.quality ?? 0, row.flags.includes("adversarial"));
  const atFullRate = BigInt(row.unplannedLabels) * row.rewardPerLabel;
  const estimate = (atFullRate * BigInt(weightPpm)) / PPM;
  const estimateApproved = (BigInt(row.approvedLabels) * row.rewardPerLabel * BigInt(weightPpm)) / PPM;
  return {
    ...row,
    scored: row.quality !== null,
    weightPpm,
    estimate,
    estimateAwaitingReview: estimate - estimateApproved,
    estimateApproved,
    atFullRate,
  };
}

export function totalEarnings(rows: readonly EstimatedProjectEarnings[]): EarningsTotals {
  const totals: EarningsTotals = {
    estimate: 0n,
    awaitingReview: 0n,
    approved: 0n,
    planned: 0n,
    awaitingWallet: 0n,
    paid: 0n,
  };
  for (const r of rows) {
    totals.estimate += r.estimate;
    totals.awaitingReview += r.estimateAwaitingReview;
    totals.approved += r.estimateApproved;
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
