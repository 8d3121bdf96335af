import { asc, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../client.ts";
import { queryRows } from "../../rows.ts";
import { earnings, payoutBatches, payoutRoots, payouts, projects } from "../../schema/index.ts";

/** A labeler's payouts with the transaction that paid each and the root that committed it, newest first. */
export async function listLabelerPayouts(db: Db, labelerId: string) {
  return db
    .select({
      id: payouts.id,
      epochId: payouts.epochId,
      amount: payouts.amount,
      status: payouts.status,
      address: payouts.address,
      paidAt: payouts.paidAt,
      signature: payoutBatches.signature,
      batchStatus: payoutBatches.status,
      rootId: payouts.rootId,
      rootSignature: payoutRoots.signature,
      rootStatus: payoutRoots.status,
    })
    .from(payouts)
    .leftJoin(payoutBatches, eq(payoutBatches.id, payouts.batchId))
    .leftJoin(payoutRoots, eq(payoutRoots.id, payouts.rootId))
    .where(eq(payouts.labelerId, labelerId))
    .orderBy(desc(payouts.epochId));
}

/** A labeler's earnings per epoch and project: the explanation behind each payout. */
export async function listLabelerEarnings(db: Db, labelerId: string) {
  return db
    .select({
      epochId: earnings.epochId,
      projectId: earnings.projectId,
      title: projects.title,
      labels: earnings.labels,
      rewardPerLabel: earnings.rewardPerLabel,
      weightPpm: earnings.weightPpm,
      earned: earnings.earned,
      amount: earnings.amount,
    })
    .from(earnings)
    .innerJoin(projects, eq(projects.id, earnings.projectId))
    .where(eq(earnings.labelerId, labelerId))
    .orderBy(desc(earnings.epochId), asc(projects.title));
}

/** Committed (planned) and paid amounts per project against its budget. */
export async function listBudgets(db: Db) {
  return queryRows<{ id: string; title: string; budget: string; committed: string; paid: string }>(
    db,
    sql`select p.id, p.title, p.budget::text,
          coalesce((select sum(e.amount) from earnings e where e.project_id = p.id), 0)::text as committed,
          coalesce((select sum(e.amount) from earnings e
            where e.project_id = p.id and exists (select 1 from payouts y
              where y.epoch_id = e.epoch_id and y.labeler_id = e.labeler_id and y.status = 'paid')), 0)::text as paid
        from projects p order by p.created_at desc`,
  );
}

export async function listRecentBatches(db: Db, limit = 20) {
  return db.select().from(payoutBatches).orderBy(desc(payoutBatches.createdAt)).limit(limit);
}
