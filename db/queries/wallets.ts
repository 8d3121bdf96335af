import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DomainError, hasSqlState } from "../errors.ts";
import { walletLinks, walletNonces } from "../schema/index.ts";
import { upsertAbuseSignals } from "./abuse.ts";

export async function saveWalletNonce(
  db: Db,
  params: { nonce: string; userId: string; address: string; message: string; expiresAt: Date },
) {
  await db.insert(walletNonces).values(params);
}

/**
 * Marks a challenge used, once: a second use, another account's challenge, an unknown or an expired one is
 * refused. Returns the stored message, which is what the wallet must have signed.
 */
export async function consumeWalletNonce(
  db: Db,
  params: { nonce: string; userId: string },
): Promise<{ message: string; address: string }> {
  const [row] = await db
    .update(walletNonces)
    .set({ usedAt: sql`now()` })
    .where(
      and(eq(walletNonces.nonce, params.nonce), eq(walletNonces.userId, params.userId), isNull(walletNonces.usedAt)),
    )
    .returning({ message: walletNonces.message, address: walletNonces.address, expiresAt: walletNonces.expiresAt });
  if (!row) throw new DomainError("nonce_used", "This sign-in request was already used or is not yours; start again.");
  if (row.expiresAt.getTime() < Date.now())
    throw new DomainError("nonce_expired", "This sign-in request expired; start again.");
  return row;
}

export async function getLinkedWallet(db: Db, userId: string): Promise<string | null> {
  const [row] = await db
    .select({ address: walletLinks.address })
    .from(walletLinks)
    .where(and(eq(walletLinks.userId, userId), isNull(walletLinks.replacedAt)));
  return row?.address ?? null;
}

/**
 * Makes `address` the account's payout address, replacing the previous one. An address that another account
 * has ever linked is refused, and both accounts get a shared_wallet signal for admins.
 */
export async function linkWallet(db: Db, params: { userId: string; address: string }): Promise<void> {
  const { userId, address } = params;
  const others = await db
    .selectDistinct({ userId: walletLinks.userId })
    .from(walletLinks)
    .where(and(eq(walletLinks.address, address), ne(walletLinks.userId, userId)));
  if (others.length) {
    await upsertAbuseSignals(
      db,
      [userId, ...others.map((o) => o.userId)].map((id) => ({
        userId: id,
        kind: "shared_wallet" as const,
        scope: address,
        detail: { address, accounts: others.length + 1 },
      })),
    );
    throw new WalletTakenError();
  }
  try {
    await db.transaction(async (tx) => {
      await tx
        .update(walletLinks)
        .set({ replacedAt: sql`now()` })
        .where(and(eq(walletLinks.userId, userId), isNull(walletLinks.replacedAt), ne(walletLinks.address, address)));
      await tx
        .insert(walletLinks)
        .values({ userId, address })
        .onConflictDoNothing({
          target: walletLinks.userId,
          where: isNull(walletLinks.replacedAt),
        });
    });
  } catch (error) {
    // Another account linked the same address at the same moment: the current-address index refused ours.
    if (hasSqlState(error, "23505")) throw new WalletTakenError();
    throw error;
  }
}

export class WalletTakenError extends DomainError {
  constructor() {
    super("wallet_taken", "This wallet is linked to another account. Use a wallet of your own.");
  }
}
