import { desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DomainError, hasSqlState } from "../errors.ts";
import { queryRows } from "../rows.ts";
import { creditBalances, creditLedger } from "../schema/index.ts";

type CreditReason = (typeof creditLedger.$inferInsert)["reason"];

export class InsufficientCreditsError extends DomainError {
  constructor(
    readonly needed: bigint,
    readonly balance: bigint,
  ) {
    super("insufficient_credits", `This call costs ${needed} credits and your balance is ${balance}.`);
  }
}

/**
 * Adds a ledger row and moves the cached balance in the same statement. A spend only updates an existing balance,
 * whose check constraint (balance >= 0) then fails the whole statement, ledger row included, however many calls
 * race; a spend with no balance row at all finds nothing to update and writes nothing.
 */
async function post(
  db: Db,
  params: { userId: string; delta: bigint; reason: CreditReason; ref: string },
): Promise<bigint | null> {
  const delta = params.delta.toString();
  const moved =
    params.delta >= 0n
      ? sql`insert into credit_balances (user_id, balance) values (${params.userId}, ${delta}::bigint)
            on conflict (user_id) do update set balance = credit_balances.balance + excluded.balance
            returning balance`
      : sql`update credit_balances set balance = balance + ${delta}::bigint where user_id = ${params.userId} returning balance`;
  const [row] = await queryRows<{ balance: string | number | bigint }>(
    db,
    sql`with moved as (${moved}),
        entry as (insert into credit_ledger (user_id, delta, reason, ref)
          select ${params.userId}, ${delta}::bigint, ${params.reason}, ${params.ref} from moved)
        select balance from moved`,
  );
  return row ? BigInt(row.balance) : null;
}

const credited = async (promise: Promise<bigint | null>) => (await promise)!;

export async function grantCredits(db: Db, params: { userId: string; credits: bigint; ref: string }): Promise<bigint> {
  if (params.credits <= 0n) throw new DomainError("invalid_amount", "Grant a positive number of credits.");
  return credited(post(db, { userId: params.userId, delta: params.credits, reason: "grant", ref: params.ref }));
}

/** Credits for a verified redemption; the signature is unique among redemption rows, so a replay fails here. */
export async function creditRedemption(
  db: Db,
  params: { userId: string; credits: bigint; signature: string },
): Promise<bigint> {
  return credited(
    post(db, { userId: params.userId, delta: params.credits, reason: "redemption", ref: params.signature }),
  );
}

/** Spends credits atomically, or throws InsufficientCreditsError and changes nothing. */
export async function spendCredits(db: Db, params: { userId: string; credits: bigint; ref: string }): Promise<bigint> {
  let balance: bigint | null = null;
  try {
    balance = await post(db, { userId: params.userId, delta: -params.credits, reason: "api_call", ref: params.ref });
  } catch (error) {
    if (!hasSqlState(error, "23514")) throw error;
  }
  if (balance === null) throw new InsufficientCreditsError(params.credits, await getCreditBalance(db, params.userId));
  return balance;
}

/** Gives back what a call spent when the call then failed on our side. */
export async function refundCredits(db: Db, params: { userId: string; credits: bigint; ref: string }): Promise<bigint> {
  return credited(post(db, { userId: params.userId, delta: params.credits, reason: "refund", ref: params.ref }));
}

export async function getCreditBalance(db: Db, userId: string): Promise<bigint> {
  const [row] = await db
    .select({ balance: creditBalances.balance })
    .from(creditBalances)
    .where(eq(creditBalances.userId, userId));
  return row?.balance ?? 0n;
}

export async function listCreditLedger(db: Db, userId: string, limit = 50) {
  return db
    .select()
    .from(creditLedger)
    .where(eq(creditLedger.userId, userId))
    .orderBy(desc(creditLedger.createdAt), desc(creditLedger.id))
    .limit(limit);
}

/** The ledger's sum, to check the cached balance against. */
export async function sumCreditLedger(db: Db, userId: string): Promise<bigint> {
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${creditLedger.delta}), 0)::text` })
    .from(creditLedger)
    .where(eq(creditLedger.userId, userId));
  return BigInt(row.total);
}
