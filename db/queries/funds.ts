import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DomainError, hasSqlState, NotFoundError } from "../errors.ts";
import { queryRows } from "../rows.ts";
import { depositOrders, projectFunds, projects, users, type FundKind } from "../schema/index.ts";
import { isUuid } from "../ids.ts";

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
  /** Earnings of planned epochs (what the ledger owes or paid) and bonuses given. */
  committed: bigint;
  /** Of the committed, what was paid on chain. */
  paid: bigint;
  /** What more can be committed: min(budget, funded) − committed, never below 0. */
  remaining: bigint;
}

/** Over `p`: what the project has committed: the earnings of planned epochs, and every bonus (from when it is given). */
export const committedFundsSql = sql`(coalesce((select sum(e.amount) from earnings e where e.project_id = p.id), 0)
  + coalesce((select sum(b.amount) from bonuses b where b.project_id = p.id), 0))`;

/**
 * The SQL for a project's spendable remainder, least(budget, funded) − committed, over `p` (a projects row):
 * shared by planning, leasing and the summaries, so all three agree.
 */
export const remainingFundsSql = sql`(least(p.budget, coalesce((select sum(f.amount) from project_funds f where f.project_id = p.id), 0))
  - ${committedFundsSql})`;

export async function getFundsSummary(db: Db, projectId: string): Promise<FundsSummary> {
  const [row] = await queryRows<{ funded: string; budget: string; committed: string; paid: string; remaining: string }>(
    db,
    sql`select coalesce((select sum(f.amount) from project_funds f where f.project_id = p.id), 0)::text as funded,
          p.budget::text,
          ${committedFundsSql}::text as committed,
          (coalesce((select sum(e.amount) from earnings e
            where e.project_id = p.id and exists (select 1 from payouts y
              where y.epoch_id = e.epoch_id and y.labeler_id = e.labeler_id and y.status = 'paid')), 0)
           + coalesce((select sum(b.amount) from bonuses b
            where b.project_id = p.id and exists (select 1 from payouts y
              where y.epoch_id = b.paid_epoch_id and y.labeler_id = b.labeler_id and y.status = 'paid')), 0))::text as paid,
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

export type DepositOrder = typeof depositOrders.$inferSelect;

export async function createDepositOrder(
  db: Db,
  params: { projectId: string; userId: string; address: string; amount: bigint; ttlMs: number },
): Promise<DepositOrder> {
  const [order] = await db
    .insert(depositOrders)
    .values({
      projectId: params.projectId,
      userId: params.userId,
      address: params.address,
      amount: params.amount,
      expiresAt: sql`now() + make_interval(secs => ${params.ttlMs / 1000})`,
    })
    .returning();
  return order;
}

/** The user's own deposit order; anyone else's, or an unknown id, is not found. */
export async function getDepositOrder(db: Db, params: { userId: string; orderId: string }): Promise<DepositOrder> {
  if (!isUuid(params.orderId)) throw new NotFoundError("deposit order");
  const [order] = await db
    .select()
    .from(depositOrders)
    .where(and(eq(depositOrders.id, params.orderId), eq(depositOrders.userId, params.userId)));
  if (!order) throw new NotFoundError("deposit order");
  return order;
}

export class DepositSignatureReusedError extends DomainError {
  constructor() {
    super("signature_reused", "This transaction was already used for a deposit or a redemption.");
  }
}

/** Whether a transaction signature already funded a project or redeemed credits. */
export async function isSignatureUsed(db: Db, signature: string): Promise<boolean> {
  const [row] = await queryRows<{ used: boolean }>(
    db,
    sql`select exists (select 1 from project_funds where signature = ${signature})
          or exists (select 1 from deposit_orders where signature = ${signature})
          or exists (select 1 from redemption_orders where signature = ${signature}) as used`,
  );
  return Boolean(row?.used);
}

/**
 * Funds a verified deposit order, once: in one transaction the order is marked funded with the signature (unique)
 * and the project's ledger gains a deposit row keyed by the signature and the order (both unique). A signature
 * that a redemption used, a replayed one, or an order funded before changes nothing and is refused. Returns the
 * project's funds after it.
 */
export async function fundDepositOrder(
  db: Db,
  params: { order: DepositOrder; signature: string },
): Promise<FundsSummary> {
  const { order, signature } = params;
  try {
    return await db.transaction(async (tx) => {
      if (await isSignatureUsed(tx, signature)) throw new DepositSignatureReusedError();
      const [updated] = await tx
        .update(depositOrders)
        .set({ status: "funded", signature, fundedAt: sql`now()` })
        .where(and(eq(depositOrders.id, order.id), eq(depositOrders.status, "pending")))
        .returning({ id: depositOrders.id });
      if (!updated) throw new DomainError("order_done", "This deposit order was already completed.");
      await recordFunding(tx, {
        projectId: order.projectId,
        kind: "deposit",
        amount: order.amount,
        signature,
        depositOrderId: order.id,
        actorId: order.userId,
      });
      return getFundsSummary(tx, order.projectId);
    });
  } catch (error) {
    if (hasSqlState(error, "23505")) throw new DepositSignatureReusedError();
    throw error;
  }
}

/** The latest changes of every project's funds, with the project and who recorded them, for the treasury page. */
export async function listRecentFunds(db: Db, limit = 50) {
  return db
    .select({
      id: projectFunds.id,
      projectId: projectFunds.projectId,
      title: projects.title,
      kind: projectFunds.kind,
      amount: projectFunds.amount,
      signature: projectFunds.signature,
      reason: projectFunds.reason,
      actor: users.email,
      createdAt: projectFunds.createdAt,
    })
    .from(projectFunds)
    .innerJoin(projects, eq(projects.id, projectFunds.projectId))
    .leftJoin(users, eq(users.id, projectFunds.actorId))
    .orderBy(desc(projectFunds.id))
    .limit(limit);
}
