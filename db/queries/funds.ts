import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { queryRows } from "../rows.ts";
import { projectFunds, type FundKind } from "../schema/index.ts";

export type ProjectFund = typeof projectFunds.$inferSelect;

/** Appends one change of a project's funds to its ledger (signature and deposit order are unique). */
export async function recordFunding(
  db: Db,
  params: {
    projectId: string;
    kind: FundKind;
    amount: bigint;
    signature?: string | null;
    depositOrderId?: string | null;
    reason?: string | null;
    actorId?: string | null;
  },
): Promise<ProjectFund> {
  const [row] = await db
    .insert(projectFunds)
    .values({
      projectId: params.projectId,
      kind: params.kind,
      amount: params.amount,
      signature: params.signature ?? null,
      depositOrderId: params.depositOrderId ?? null,
      reason: params.reason ?? null,
      actorId: params.actorId ?? null,
    })
    .returning();
  return row;
}

export interface FundsSummary {
  /** Paid in (deposits and recorded fundings) less refunds. */
  funded: bigint;
  /** The budget typed in: a cap on spending, not money. */
  budget: bigint;
  /** Earnings of planned epochs (what the ledger owes or paid). */
  committed: bigint;
  /** Of the committed, what was paid on chain. */
  paid: bigint;
  /** What more can be committed: min(budget, funded) − committed, never below 0. */
  remaining: bigint;
}

/**
 * The SQL for a project's spendable remainder, least(budget, funded) − committed, over `p` (a projects row):
 * shared by planning, leasing and the summaries, so all three agree.
 */
export const remainingFundsSql = sql`(least(p.budget, coalesce((select sum(f.amount) from project_funds f where f.project_id = p.id), 0))
  - coalesce((select sum(e.amount) from earnings e where e.project_id = p.id), 0))`;

export async function getFundsSummary(db: Db, projectId: string): Promise<FundsSummary> {
  const [row] = await queryRows<{ funded: string; budget: string; committed: string; paid: string; remaining: string }>(
    db,
    sql`select coalesce((select sum(f.amount) from project_funds f where f.project_id = p.id), 0)::text as funded,
          p.budget::text,
          coalesce((select sum(e.amount) from earnings e where e.project_id = p.id), 0)::text as committed,
          coalesce((select sum(e.amount) from earnings e
            where e.project_id = p.id and exists (select 1 from payouts y
              where y.epoch_id = e.epoch_id and y.labeler_id = e.labeler_id and y.status = 'paid')), 0)::text as paid,
          greatest(${remainingFundsSql}, 0)::text as remaining
        from projects p where p.id = ${projectId}`,
  );
  if (!row) return { funded: 0n, budget: 0n, committed: 0n, paid: 0n, remaining: 0n };
  return {
    funded: BigInt(row.funded),
    budget: BigInt(row.budget),
    committed: BigInt(row.committed),
    paid: BigInt(row.paid),
    remaining: BigInt(row.remaining),
  };
}

/** A project's funding ledger, newest first. */
export async function listProjectFunds(db: Db, projectId: string, limit = 100) {
  return db
    .select()
    .from(projectFunds)
    .where(eq(projectFunds.projectId, projectId))
    .orderBy(desc(projectFunds.id))
    .limit(limit);
}
