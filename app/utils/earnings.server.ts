import { getLinkedWallet } from "../../db/queries/wallets.ts";
import { labelerEarnings } from "../../reward/tokens/payouts/estimate.ts";
import { db } from "./db.server.ts";
import { tokenDisplay } from "./services.server.ts";
import type { EarningsData } from "./earnings.ts";

/** What a labeler has earned, as loader data for EarningsSummary and the Wallet page. */
export async function loadEarnings(labelerId: string): Promise<EarningsData> {
  const [token, linked, { projects, totals }] = await Promise.all([
    tokenDisplay(),
    getLinkedWallet(db, labelerId),
    labelerEarnings(db, { labelerId }),
  ]);
  return {
    token,
    walletLinked: linked !== null,
    projects: projects.map((p) => ({
      projectId: p.projectId,
      title: p.title,
      unplannedLabels: p.unplannedLabels,
      rewardPerLabel: p.rewardPerLabel.toString(),
      quality: p.quality,
      weight: p.weightPpm / 1e6,
      estimate: p.estimate.toString(),
      atFullRate: p.atFullRate.toString(),
      planned: p.planned.toString(),
      awaitingWallet: p.awaitingWallet.toString(),
      paid: p.paid.toString(),
    })),
    totals: {
      estimate: totals.estimate.toString(),
      planned: totals.planned.toString(),
      awaitingWallet: totals.awaitingWallet.toString(),
      paid: totals.paid.toString(),
    },
  };
}
