import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../../client.ts";
import { markTransactionSent, saveSignedTransaction, type SignedBuild } from "./signed-transactions.ts";
import { queryRows } from "../../rows.ts";
import { payoutRoots, payouts } from "../../schema/index.ts";

export type PayoutRootRow = typeof payoutRoots.$inferSelect;

/** One leaf of a root: a ledger row's committed wallet and amount. */
export interface RootEntry {
  wallet: string;
  amount: bigint;
}

/** What a root commits to, as computed from its entries (merkle.ts's PayoutTree will do). */
export interface RootSummary {
  root: string;
  count: number;
  total: bigint;
}

/** Epochs with queued rows of labelers who have a wallet and whose rows are in no root yet, oldest first. */
export async function epochsToRoot(db: Db): Promise<string[]> {
  const rows = await queryRows<{ epoch_id: string }>(
    db,
    sql`select distinct p.epoch_id from payouts p
        join wallet_links w on w.user_id = p.labeler_id and w.replaced_at is null
        where p.status = 'queued' and p.batch_id is null and p.root_id is null
        order by p.epoch_id`,
  );
  return rows.map((r) => r.epoch_id);
}

/**
 * Commits the epoch's unrooted queued rows of labelers with a wallet to a new root, in one transaction: the
 * wallet each is paid is fixed into `payouts.address` now, `build` computes the root over (wallet, amount), and the
 * root row and every `payouts.root_id` are written together, so a row is in exactly one root. The epoch's row is
 * locked first, so two executors rooting the same epoch at once take turns and the second finds the rows taken.
 * Returns the new root, or null when no row was left to commit.
 */
export async function createRoot(
  db: Db,
  params: { epochId: string; build: (entries: RootEntry[]) => RootSummary },
): Promise<PayoutRootRow | null> {
  return db.transaction(async (tx) => {
    // Locking in a statement of its own: the rows are read by the next statement, after any wait (read committed).
    await tx.execute(sql`select id from payout_epochs where id = ${params.epochId} for update`);
    const rows = await queryRows<{ id: string; address: string; amount: string }>(
      tx,
      sql`select p.id::text, w.address, p.amount::text from payouts p
          join wallet_links w on w.user_id = p.labeler_id and w.replaced_at is null
          where p.epoch_id = ${params.epochId} and p.status = 'queued' and p.batch_id is null and p.root_id is null
          order by p.id`,
    );
    if (rows.length === 0) return null;
    const summary = params.build(rows.map((r) => ({ wallet: r.address, amount: BigInt(r.amount) })));
    const [root] = await tx
      .insert(payoutRoots)
      .values({ epochId: params.epochId, root: summary.root, leafCount: summary.count, total: summary.total })
      .returning();
    for (let i = 0; i < rows.length; i += 1000) {
      const values = sql.join(
        rows.slice(i, i + 1000).map((r) => sql`(${r.id}::bigint, ${r.address})`),
        sql`, `,
      );
      await tx.execute(
        sql`update payouts p set root_id = ${root.id}, address = v.address from (values ${values}) as v(id, address)
            where p.id = v.id`,
      );
    }
    return root;
  });
}

export async function listUnsettledRoots(db: Db): Promise<PayoutRootRow[]> {
  return db
    .select()
    .from(payoutRoots)
    .where(inArray(payoutRoots.status, ["new", "signed"]))
    .orderBy(asc(payoutRoots.createdAt), asc(payoutRoots.id));
}

export async function getRoot(db: Db, rootId: string): Promise<PayoutRootRow> {
  const [root] = await db.select().from(payoutRoots).where(eq(payoutRoots.id, rootId));
  return root;
}

/** The root's entries: each committed row's wallet and amount (in no particular order; the tree sorts them). */
export async function listRootEntries(db: Db, rootId: string): Promise<RootEntry[]> {
  const rows = await db
    .select({ wallet: payouts.address, amount: payouts.amount })
    .from(payouts)
    .where(eq(payouts.rootId, rootId))
    .orderBy(asc(payouts.id));
  return rows.map((r) => ({ wallet: r.wallet!, amount: r.amount }));
}

/** Stores the root's signed memo transaction before it is sent (see saveSignedTransaction); whether this build won. */
export function saveSignedRoot(db: Db, { rootId, ...build }: SignedBuild & { rootId: string }): Promise<boolean> {
  return saveSignedTransaction(db, payoutRoots, { id: rootId, ...build });
}

export function markRootSent(db: Db, rootId: string) {
  return markTransactionSent(db, payoutRoots, rootId);
}

/** The root's memo is finalized on chain: its rows may now be batched. */
export async function confirmRoot(db: Db, params: { rootId: string; feeLamports: bigint }) {
  await db
    .update(payoutRoots)
    .set({ status: "confirmed", confirmedAt: sql`now()`, feeLamports: params.feeLamports })
    .where(eq(payoutRoots.id, params.rootId));
}

/**
 * The root's transaction landed with an error, so nothing was published: the root is failed and its rows (none of
 * them batched, as only rows of confirmed roots are) are released, to be committed in a new root.
 */
export async function failRoot(db: Db, params: { rootId: string; error: string }) {
  await db.transaction(async (tx) => {
    await tx
      .update(payoutRoots)
      .set({ status: "failed", error: params.error })
      .where(eq(payoutRoots.id, params.rootId));
    await tx
      .update(payouts)
      .set({ rootId: null, address: null })
      .where(and(eq(payouts.rootId, params.rootId), eq(payouts.status, "queued"), isNull(payouts.batchId)));
  });
}

/** A ledger row committed in a root, with the root. */
export interface RootedPayout {
  payoutId: number;
  epochId: string;
  labelerId: string;
  wallet: string;
  amount: bigint;
  root: PayoutRootRow;
}

/**
 * The epoch's row of one labeler (`labelerId`) or paid to one wallet (`wallet`) together with the root committing
 * it; null when there is none or it is in no root yet.
 */
export async function findRootedPayout(
  db: Db,
  params: { epochId: string; labelerId?: string; wallet?: string },
): Promise<RootedPayout | null> {
  const [row] = await db
    .select({ payout: payouts, root: payoutRoots })
    .from(payouts)
    .innerJoin(payoutRoots, eq(payoutRoots.id, payouts.rootId))
    .where(
      and(
        eq(payouts.epochId, params.epochId),
        params.labelerId === undefined ? undefined : eq(payouts.labelerId, params.labelerId),
        params.wallet === undefined ? undefined : eq(payouts.address, params.wallet),
      ),
    )
    .orderBy(asc(payoutRoots.createdAt))
    .limit(1);
  if (!row) return null;
  return {
    payoutId: row.payout.id,
    epochId: row.payout.epochId,
    labelerId: row.payout.labelerId,
    wallet: row.payout.address!,
    amount: row.payout.amount,
    root: row.root,
  };
}

/** The epoch's roots, oldest first. */
export async function listEpochRoots(db: Db, epochId: string): Promise<PayoutRootRow[]> {
  return db
    .select()
    .from(payoutRoots)
    .where(eq(payoutRoots.epochId, epochId))
    .orderBy(asc(payoutRoots.createdAt), asc(payoutRoots.id));
}

/** Epochs with a root, newest first: how many roots, leaves and base units each has committed. */
export async function listRootedEpochs(db: Db, limit = 60) {
  const rows = await queryRows<{
    epoch_id: string;
    kind: string;
    roots: number;
    confirmed: number;
    leaves: number;
    total: string;
  }>(
    db,
    sql`select r.epoch_id, e.kind::text, count(*)::int as roots,
          (count(*) filter (where r.status = 'confirmed'))::int as confirmed,
          coalesce(sum(r.leaf_count) filter (where r.status <> 'failed'), 0)::int as leaves,
          coalesce(sum(r.total) filter (where r.status <> 'failed'), 0)::text as total
        from payout_roots r join payout_epochs e on e.id = r.epoch_id
        group by r.epoch_id, e.kind, e.starts_at
        order by e.starts_at desc, r.epoch_id desc limit ${limit}`,
  );
  return rows.map((r) => ({ ...r, total: BigInt(r.total) }));
}

/**
 * The batch transactions that paid rows of the epoch: per batch, how many of the epoch's rows and how much of the
 * epoch it paid (a batch may also pay a labeler's rows of other epochs, summed into one transfer).
 */
export async function listEpochBatches(db: Db, epochId: string) {
  const rows = await queryRows<{
    id: string;
    status: string;
    signature: string | null;
    recipients: number;
    total: string;
    epoch_rows: number;
    epoch_total: string;
  }>(
    db,
    sql`select b.id, b.status::text, b.signature, b.recipients, b.total::text,
          count(p.id)::int as epoch_rows, sum(p.amount)::text as epoch_total
        from payout_batches b join payouts p on p.batch_id = b.id
        where p.epoch_id = ${epochId}
        group by b.id order by b.created_at, b.id`,
  );
  return rows.map((r) => ({ ...r, total: BigInt(r.total), epochTotal: BigInt(r.epoch_total) }));
}
