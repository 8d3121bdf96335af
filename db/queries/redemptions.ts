import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DomainError, hasSqlState, NotFoundError } from "../errors.ts";
import { redemptionOrders, users } from "../schema/index.ts";
import { creditRedemption } from "./credits.ts";
import { isUuid } from "../ids.ts";

export type RedemptionOrder = typeof redemptionOrders.$inferSelect;

export async function createRedemptionOrder(
  db: Db,
  params: {
    userId: string;
    address: string;
    amount: bigint;
    credits: bigint;
    mode: "burn" | "transfer";
    ttlMs: number;
  },
): Promise<RedemptionOrder> {
  const [order] = await db
    .insert(redemptionOrders)
    .values({
      userId: params.userId,
      address: params.address,
      amount: params.amount,
      credits: params.credits,
      mode: params.mode,
      expiresAt: sql`now() + make_interval(secs => ${params.ttlMs / 1000})`,
    })
    .returning();
  return order;
}

export async function getRedemptionOrder(
  db: Db,
  params: { userId: string; orderId: string },
): Promise<RedemptionOrder> {
  if (!isUuid(params.orderId)) throw new NotFoundError("redemption order");
  const [order] = await db
    .select()
    .from(redemptionOrders)
    .where(and(eq(redemptionOrders.id, params.orderId), eq(redemptionOrders.userId, params.userId)));
  if (!order) throw new NotFoundError("redemption order");
  return order;
}

export class SignatureReusedError extends DomainError {
  constructor() {
    super("signature_reused", "This transaction has already been redeemed.");
  }
}

/**
 * Credits a verified order, once: in one transaction the order is marked credited with the signature (unique) and
 * the credit ledger gains a row keyed by the signature (unique among redemptions). A replayed signature, or an
 * order credited before, changes nothing and is refused.
 */
export async function creditRedemptionOrder(
  db: Db,
  params: { order: RedemptionOrder; signature: string },
): Promise<bigint> {
  try {
    return await db.transaction(async (tx) => {
      const [updated] = await tx
        .update(redemptionOrders)
        .set({ status: "credited", signature: params.signature, creditedAt: sql`now()` })
        .where(and(eq(redemptionOrders.id, params.order.id), eq(redemptionOrders.status, "pending")))
        .returning({ id: redemptionOrders.id });
      if (!updated) throw new DomainError("order_done", "This redemption order was already completed.");
      return creditRedemption(tx, {
        userId: params.order.userId,
        credits: params.order.credits,
        signature: params.signature,
      });
    });
  } catch (error) {
    if (hasSqlState(error, "23505")) throw new SignatureReusedError();
    throw error;
  }
}

/** Credited redemptions across all accounts, newest first, for the treasury page. */
export async function listRecentRedemptions(db: Db, limit = 20) {
  return db
    .select({
      id: redemptionOrders.id,
      email: users.email,
      amount: redemptionOrders.amount,
      credits: redemptionOrders.credits,
      mode: redemptionOrders.mode,
      signature: redemptionOrders.signature,
      creditedAt: redemptionOrders.creditedAt,
    })
    .from(redemptionOrders)
    .innerJoin(users, eq(users.id, redemptionOrders.userId))
    .where(eq(redemptionOrders.status, "credited"))
    .orderBy(desc(redemptionOrders.creditedAt))
    .limit(limit);
}
