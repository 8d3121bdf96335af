import { listLabelerBonuses } from "../../db/queries/bonuses.ts";
import { getLinkedWallet } from "../../db/queries/wallets.ts";
import { labelerEarnings } from "../../reward/tokens/payouts/estimate.ts";
import { bonusTotals } from "./bonuses.server.ts";
import { db } from "./db.server.ts";
import { tokenDisplay } from "./services.server.ts";
import type { EarningsData } from "./earnings.ts";

/** What a labeler has earned, as loader data for EarningsSummary and the Wallet page. */
export async function loadEarnings(labelerId: string): Promise<EarningsData> {
  const [token, linked, { projects, totals }, bonuses] = await Promise.all([
    tokenDisplay(),
    getLinkedWallet(db, labelerId),
    labelerEarnings(db, { labelerId }),
    listLabelerBonuses(db, { labelerId }),
  ]);
  // Bonuses go through the same ledger rows as earnings: each adds to the total for where its payout stands.
  const bonus = bonusTotals(bonuses);
  return {
    token,
    walletLinked: linked !== null,
    projects: projects.map((p) => ({
      projectId: p.projectId,
      title: p.title,
      unplannedLabels: p.unplannedLabels,
      awaitingReviewLabels: p.awaitingReviewLabels,
      approvedLabels: p.approvedLabels,
      rejectedLabels: p.rejectedLabels,
      rejectedOpenLabels: p.rejectedOpenLabels,
      rewardPerLabel: p.rewardPerLabel.toString(),
      quality: p.quality,
      weight: p.weightPpm / 1e6,
      estimate: p.estimate.toString(),
      estimateAwaitingReview: p.estimateAwaitingReview.toString(),
      estimateApproved: p.estimateApproved.toString(),
      atFullRate: p.atFullRate.toString(),
      planned: p.planned.toString(),
      awaitingWallet: p.awaitingWallet.toString(),
      paid: p.paid.toString(),
    })),
    totals: {
      estimate: totals.estimate.toString(),
      awaitingReview: totals.awaitingReview.toString(),
      approved: totals.approved.toString(),
      bonuses: bonus.waiting.toString(),
      planned: (totals.planned + bonus.planned).toString(),
      awaitingWallet: (totals.awaitingWallet + bonus.awaitingWallet).toString(),
      paid: (totals.paid + bonus.paid).toString(),
    },
  };
}
