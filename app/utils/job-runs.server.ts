import { listRecentJobs } from "../../db/queries/jobs.ts";
import { db } from "./db.server.ts";
import { jobRunView, type TreasuryJobRuns } from "./job-runs.ts";
import { tokenDisplay } from "./services.server.ts";

export async function loadTreasuryJobRuns(): Promise<TreasuryJobRuns> {
  const at = Date.now();
  const [token, payouts, consensus] = await Promise.all([
    tokenDisplay(),
    listRecentJobs(db, { kinds: ["payout", "settle-payouts"], limit: 15 }),
    listRecentJobs(db, { kinds: ["consensus"], limit: 10 }),
  ]);
  return {
    payouts: payouts.map((j) => jobRunView(j, token)),
    consensus: consensus.map((j) => jobRunView(j, token)),
    at,
  };
}
