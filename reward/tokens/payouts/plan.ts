/**
 * Payout planning: pure bigint arithmetic from what each labeler did in an epoch to what they are owed, capped by
 * each project's remaining budget.
 */

import { I64_MAX } from "../amount-limits.ts";

export const PPM = 1_000_000n;

export interface LabelTally {
  labelerId: string;
  projectId: string;
  labels: number;
  rewardPerLabel: bigint;
  /** The labeler's quality score on the project, 0 to 1. */
  quality: number;
  /** An adversarial labeler earns nothing, whatever their score. */
  adversarial: boolean;
}

export interface PlannedEarning extends LabelTally {
  weightPpm: number;
  earned: bigint;
  amount: bigint;
}

export class PayoutPlanError extends Error {
  override name = "PayoutPlanError";
}

export function qualityWeightPpm(quality: number, adversarial: boolean): number {
  if (adversarial || !(quality > 0)) return 0;
  return Math.min(1_000_000, Math.floor(quality * 1_000_000));
}

/**
 * Earnings per (labeler, project). When a project's earnings exceed its remaining budget, everyone's share is
 * scaled down by the same factor (rounded down), so the project never pays more than its budget.
 */
export function planEarnings(
  tallies: readonly LabelTally[],
  remainingBudget: ReadonlyMap<string, bigint>,
): PlannedEarning[] {
  const rows = tallies.map((t) => {
    if (!Number.isInteger(t.labels) || t.labels < 0)
      throw new PayoutPlanError(`labels must be a whole number, got ${t.labels}`);
    if (t.rewardPerLabel < 0n) throw new PayoutPlanError("reward per label must not be negative");
    const weightPpm = qualityWeightPpm(t.quality, t.adversarial);
    const earned = (BigInt(t.labels) * t.rewardPerLabel * BigInt(weightPpm)) / PPM;
    return { ...t, weightPpm, earned, amount: earned };
  });
  const totals = new Map<string, bigint>();
  for (const r of rows) totals.set(r.projectId, (totals.get(r.projectId) ?? 0n) + r.earned);
  for (const r of rows) {
    const total = totals.get(r.projectId)!;
    const remaining = remainingBudget.get(r.projectId) ?? 0n;
    if (remaining < 0n) throw new PayoutPlanError(`project ${r.projectId} has a negative remaining budget`);
    if (total > remaining) r.amount = (r.earned * remaining) / total;
  }
  return rows;
}

export interface IsolatedProject {
  projectId: string;
  reason: string;
}

/**
 * Splits off the projects whose numbers cannot be paid (labels × reward beyond what an amount column holds, or a
 * negative reward), so that one project's numbers never stop the other projects' payouts. The entry points refuse
 * such numbers; this is the backstop for rows written before the limits or behind them.
 */
export function isolateUnpayable<T extends Pick<LabelTally, "projectId" | "labels" | "rewardPerLabel">>(
  tallies: readonly T[],
): { payable: T[]; isolated: IsolatedProject[] } {
  const reasons = new Map<string, string>();
  for (const t of tallies) {
    if (reasons.has(t.projectId)) continue;
    if (t.rewardPerLabel < 0n) reasons.set(t.projectId, "its reward per label is negative");
    else if (!Number.isSafeInteger(t.labels) || t.labels < 0)
      reasons.set(t.projectId, `${t.labels} is not a label count`);
    else if (BigInt(t.labels) * t.rewardPerLabel > I64_MAX)
      reasons.set(
        t.projectId,
        `${t.labels} labels × ${t.rewardPerLabel} base units per label exceeds what can be paid`,
      );
  }
  return {
    payable: tallies.filter((t) => !reasons.has(t.projectId)),
    isolated: [...reasons].map(([projectId, reason]) => ({ projectId, reason })),
  };
}

/** Sums planned earnings per labeler (what one ledger row pays). */
export function totalsByLabeler(
  rows: ReadonlyArray<Pick<PlannedEarning, "labelerId" | "amount">>,
): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const r of rows) out.set(r.labelerId, (out.get(r.labelerId) ?? 0n) + r.amount);
  return out;
}
