import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../../client.ts";
import { markTransactionSent, saveSignedTransaction, type SignedBuild } from "./signed-transactions.ts";
import { queryRows } from "../../rows.ts";
import { lookupTables, payoutBatches, payouts } from "../../schema/index.ts";

export interface BatchRecipient {
  labelerId: string;
  address: string;
  amount: bigint;
}

/**
 * What is owed to labelers on queued payouts committed in a confirmed root (money rule 4: no transfer before its
 * root is on chain), summed per labeler and committed address, the wallet fixed in the root (one transfer each).
 */
export async function queuedRecipients(db: Db): Promise<BatchRecipient[]> {
  const rows = await queryRows<{ labeler_id: string; address: string; amount: string }>(
    db,
    sql`select p.labeler_id, p.address, sum(p.amount)::text as amount
        from payouts p join payout_roots r on r.id = p.root_id and r.status = 'confirmed'
        where p.status = 'queued' and p.batch_id is null
        group by p.labeler_id, p.address
        order by p.labeler_id, p.address`,
  );
  return rows.map((r) => ({ labelerId: r.labeler_id, address: r.address, amount: BigInt(r.amount) }));
}

/**
 * Puts queued payouts into batches, one batch per group of recipients, in one transaction; each payout row joins
 * at most one batch (only rows still queued, committed to the recipient's address in a confirmed root, move).
 * Labelers without a wallet stay queued: they accrue.
 */
export async function createBatches(db: Db, groups: BatchRecipient[][]): Promise<string[]> {
  return db.transaction(async (tx) => {
    const ids: string[] = [];
    for (const group of groups) {
      const [batch] = await tx
        .insert(payoutBatches)
        .values({ recipients: 0, total: 0n })
        .returning({ id: payoutBatches.id });
      let total = 0n;
      let recipients = 0;
      for (const r of group) {
        const moved = await tx
          .update(payouts)
          .set({ status: "batched", batchId: batch.id })
          .where(
            and(
              eq(payouts.labelerId, r.labelerId),
              eq(payouts.address, r.address),
              eq(payouts.status, "queued"),
              isNull(payouts.batchId),
              sql`exists (select 1 from payout_roots r where r.id = ${payouts.rootId} and r.status = 'confirmed')`,
            ),
          )
          .returning({ amount: payouts.amount });
        if (moved.length) recipients++;
        for (const m of moved) total += m.amount;
      }
      if (recipients === 0) {
        await tx.delete(payoutBatches).where(eq(payoutBatches.id, batch.id));
        continue;
      }
      await tx.update(payoutBatches).set({ recipients, total }).where(eq(payoutBatches.id, batch.id));
      ids.push(batch.id);
    }
    return ids;
  });
}

export async function listLookupTables(db: Db): Promise<string[]> {
  return (
    await db.select({ address: lookupTables.address }).from(lookupTables).orderBy(asc(lookupTables.createdAt))
  ).map((r) => r.address);
}

export async function saveLookupTable(db: Db, address: string) {
  await db.insert(lookupTables).values({ address }).onConflictDoNothing();
}

export type PayoutBatchRow = typeof payoutBatches.$inferSelect;

export async function listUnsettledBatches(db: Db): Promise<PayoutBatchRow[]> {
  return db
    .select()
    .from(payoutBatches)
    .where(inArray(payoutBatches.status, ["new", "signed"]))
    .orderBy(asc(payoutBatches.createdAt), asc(payoutBatches.id));
}

export async function getBatchRecipients(db: Db, batchId: string): Promise<BatchRecipient[]> {
  const rows = await queryRows<{ labeler_id: string; address: string; amount: string }>(
    db,
    sql`select labeler_id, address, sum(amount)::text as amount from payouts
        where batch_id = ${batchId} group by labeler_id, address order by labeler_id`,
  );
  return rows.map((r) => ({ labelerId: r.labeler_id, address: r.address, amount: BigInt(r.amount) }));
}

/** Stores the batch's signed transaction before it is sent (see saveSignedTransaction); whether this build won. */
export function saveSignedBatch(db: Db, { batchId, ...build }: SignedBuild & { batchId: string }): Promise<boolean> {
  return saveSignedTransaction(db, payoutBatches, { id: batchId, ...build });
}

export async function getBatch(db: Db, batchId: string): Promise<PayoutBatchRow> {
  const [batch] = await db.select().from(payoutBatches).where(eq(payoutBatches.id, batchId));
  return batch;
}

export function markBatchSent(db: Db, batchId: string) {
  return markTransactionSent(db, payoutBatches, batchId);
}

/** The batch landed: its payouts are paid, and an epoch whose payouts are all paid is closed. */
export async function confirmBatch(db: Db, params: { batchId: string; feeLamports: bigint }) {
  await db.transaction(async (tx) => {
    await tx
      .update(payoutBatches)
      .set({ status: "confirmed", confirmedAt: sql`now()`, feeLamports: params.feeLamports })
      .where(eq(payoutBatches.id, params.batchId));
    await tx
      .update(payouts)
      .set({ status: "paid", paidAt: sql`now()` })
      .where(eq(payouts.batchId, params.batchId));
    await closePaidEpochs(tx);
  });
}

async function closePaidEpochs(db: Db) {
  await db.execute(
    sql`update payout_epochs e set status = 'paid'
        where e.status = 'planned' and not exists (select 1 from payouts p where p.epoch_id = e.id and p.status <> 'paid')`,
  );
}

/**
 * The transaction landed with an error, so nothing moved: its payouts go back to the queue for a new batch, still
 * committed (root and address) as they were.
 */
export async function failBatch(db: Db, params: { batchId: string; error: string }) {
  await db.transaction(async (tx) => {
    await tx
      .update(payoutBatches)
      .set({ status: "failed", error: params.error })
      .where(eq(payoutBatches.id, params.batchId));
    await tx.update(payouts).set({ status: "queued", batchId: null }).where(eq(payouts.batchId, params.batchId));
  });
}
