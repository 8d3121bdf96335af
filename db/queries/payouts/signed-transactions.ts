import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../../client.ts";
import { payoutBatches, payoutRoots } from "../../schema/index.ts";

/** A freshly signed build of a row's transaction, and the signature it replaces (null for the first). */
export interface SignedBuild {
  previousSignature: string | null;
  signature: string;
  rawTx: Uint8Array;
  lastValidBlockHeight: bigint;
}

/** The tables of transactions stored signed before they are sent (payout batches and Merkle roots). */
export type SignedTransactionTable = typeof payoutBatches | typeof payoutRoots;

/**
 * Stores a signed transaction before it is sent, only if the row still holds `previousSignature` (null for a first
 * build): of two executors signing the same row, one wins and the other must use the winner's bytes. The replaced
 * (expired) signature is kept for audit. Returns whether this build was stored.
 */
export async function saveSignedTransaction(
  db: Db,
  table: SignedTransactionTable,
  params: SignedBuild & { id: string },
): Promise<boolean> {
  // One table at a time; the two share these columns, which Drizzle's types cannot see through a union.
  const t = table as typeof payoutBatches;
  const stored = await db
    .update(t)
    .set({
      status: "signed",
      signature: params.signature,
      rawTx: params.rawTx,
      lastValidBlockHeight: params.lastValidBlockHeight,
      expiredSignatures: params.previousSignature
        ? sql`${t.expiredSignatures} || ${JSON.stringify([params.previousSignature])}::jsonb`
        : t.expiredSignatures,
    })
    .where(
      and(
        eq(t.id, params.id),
        inArray(t.status, ["new", "signed"]),
        params.previousSignature === null ? isNull(t.signature) : eq(t.signature, params.previousSignature),
      ),
    )
    .returning({ id: t.id });
  return stored.length > 0;
}

/** Records when the stored bytes were first sent. */
export async function markTransactionSent(db: Db, table: SignedTransactionTable, id: string) {
  const t = table as typeof payoutBatches;
  await db
    .update(t)
    .set({ sentAt: sql`coalesce(${t.sentAt}, now())` })
    .where(eq(t.id, id));
}
