import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { queryRows } from "../rows.ts";
import { earnings, lookupTables, payoutBatches, payoutEpochs, payouts, projects } from "../schema/index.ts";

export interface EpochWindow {
  id: string;
  startsAt: Date;
  endsAt: Date;
}

export interface EpochTally {
  labelerId: string;
  projectId: string;
  labels: number;
  rewardPerLabel: bigint;
  quality: number | null;
  flags: string[];
}

/** Labels given in the epoch's window, per labeler and project, with the labeler's quality on the project. */
export async function tallyEpochLabels(db: Db, window: EpochWindow): Promise<EpochTally[]> {
  const rows = await queryRows<{
    labeler_id: string;
    project_id: string;
    labels: number;
    reward_per_label: string;
    quality: number | null;
    flags: string[] | string | null;
  }>(
    db,
    sql`select l.labeler_id, l.project_id, count(*)::int as labels, p.reward_per_label::text, q.quality, q.flags
        from labels l
        join projects p on p.id = l.project_id
        left join labeler_quality q on q.project_id = l.project_id and q.labeler_id = l.labeler_id
        where l.created_at >= ${window.startsAt.toISOString()} and l.created_at < ${window.endsAt.toISOString()}
        group by l.labeler_id, l.project_id, p.reward_per_label, q.quality, q.flags
        order by l.labeler_id, l.project_id`,
  );
  return rows.map((r) => ({
    labelerId: r.labeler_id,
    projectId: r.project_id,
    labels: r.labels,
    rewardPerLabel: BigInt(r.reward_per_label),
    quality: r.quality,
    flags: typeof r.flags === "string" ? JSON.parse(r.flags) : (r.flags ?? []),
  }));
}

/** Projects with labels in the window (their consensus should be current before paying). */
export async function projectsLabeledIn(db: Db, window: EpochWindow): Promise<string[]> {
  const rows = await queryRows<{ project_id: string }>(
    db,
    sql`select distinct project_id from labels
        where created_at >= ${window.startsAt.toISOString()} and created_at < ${window.endsAt.toISOString()}`,
  );
  return rows.map((r) => r.project_id);
}

export interface EarningRow {
  labelerId: string;
  projectId: string;
  labels: number;
  rewardPerLabel: bigint;
  weightPpm: number;
  earned: bigint;
  amount: bigint;
}

/**
 * Each project's budget less what earnings have committed; `lock` holds the projects' rows until the transaction
 * ends, so two planners cannot commit the same remainder.
 */
export async function remainingBudgets(db: Db, projectIds: string[], options: { lock: boolean }): Promise<Map<string, bigint>> {
  const ids = [...new Set(projectIds)].sort();
  if (ids.length === 0) return new Map();
  const idList = sql.join(ids.map((id) => sql`${id}`), sql`, `);
  // Locking in a statement of its own: a statement that waits for a lock still reads the earnings as they were
  // when it started (read committed), so the sum must come after the wait, in the next statement.
  if (options.lock) await db.execute(sql`select id from projects where id in (${idList}) order by id for update`);
  const rows = await queryRows<{ id: string; remaining: string }>(
    db,
    sql`select p.id, (p.budget - coalesce((select sum(e.amount) from earnings e where e.project_id = p.id), 0))::text as remaining
        from projects p where p.id in (${idList})`,
  );
  return new Map(rows.map((r) => [r.id, BigInt(r.remaining)]));
}

/** An epoch's ledger rows, and whether each still waits for its labeler to link a wallet. */
export async function listEpochLedger(db: Db, epochId: string) {
  return queryRows<{ labeler_id: string; amount: string; waiting: boolean }>(
    db,
    sql`select p.labeler_id, p.amount::text,
          (p.status = 'queued' and not exists (select 1 from wallet_links w where w.user_id = p.labeler_id and w.replaced_at is null)) as waiting
        from payouts p where p.epoch_id = ${epochId} order by p.labeler_id`,
  );
}

export async function isEpochPlanned(db: Db, epochId: string): Promise<boolean> {
  const [row] = await db.select({ id: payoutEpochs.id }).from(payoutEpochs).where(eq(payoutEpochs.id, epochId));
  return row !== undefined;
}

/**
 * Plans an epoch once, atomically: locks the projects involved, asks `plan` for the earnings given each project's
 * remaining budget, and writes the earnings and one payout ledger row per labeler. An epoch planned before is
 * left as it is (returns false).
 */
export async function planEpoch(
  db: Db,
  params: {
    window: EpochWindow;
    tallies: EpochTally[];
    plan: (remainingBudget: Map<string, bigint>) => EarningRow[];
  },
): Promise<boolean> {
  const { window } = params;
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(payoutEpochs)
      .values({ id: window.id, startsAt: window.startsAt, endsAt: window.endsAt })
      .onConflictDoNothing()
      .returning({ id: payoutEpochs.id });
    if (!created) return false;
    const remaining = await remainingBudgets(tx, params.tallies.map((t) => t.projectId), { lock: true });
    const planned = params.plan(remaining).filter((e) => e.labels > 0);
    for (let i = 0; i < planned.length; i += 500) {
      await tx.insert(earnings).values(planned.slice(i, i + 500).map((e) => ({ ...e, epochId: window.id })));
    }
    const totals = new Map<string, bigint>();
    for (const e of planned) totals.set(e.labelerId, (totals.get(e.labelerId) ?? 0n) + e.amount);
    const ledger = [...totals].filter(([, amount]) => amount > 0n);
    for (let i = 0; i < ledger.length; i += 500) {
      await tx.insert(payouts).values(
        ledger.slice(i, i + 500).map(([labelerId, amount]) => ({ epochId: window.id, labelerId, amount, status: "queued" as const })),
      );
    }
    return true;
  });
}

export interface BatchRecipient {
  labelerId: string;
  address: string;
  amount: bigint;
}

/** What is owed to labelers who have a wallet, summed over all their queued payouts (one transfer each). */
export async function queuedRecipients(db: Db): Promise<BatchRecipient[]> {
  const rows = await queryRows<{ labeler_id: string; address: string; amount: string }>(
    db,
    sql`select p.labeler_id, w.address, sum(p.amount)::text as amount
        from payouts p join wallet_links w on w.user_id = p.labeler_id and w.replaced_at is null
        where p.status = 'queued' and p.batch_id is null
        group by p.labeler_id, w.address
        order by p.labeler_id`,
  );
  return rows.map((r) => ({ labelerId: r.labeler_id, address: r.address, amount: BigInt(r.amount) }));
}

/**
 * Puts queued payouts into batches, one batch per group of recipients, in one transaction; each payout row joins
 * at most one batch (only rows still queued move). Labelers without a wallet stay queued: they accrue.
 */
export async function createBatches(db: Db, groups: BatchRecipient[][]): Promise<string[]> {
  return db.transaction(async (tx) => {
    const ids: string[] = [];
    for (const group of groups) {
      const [batch] = await tx.insert(payoutBatches).values({ recipients: 0, total: 0n }).returning({ id: payoutBatches.id });
      let total = 0n;
      let recipients = 0;
      for (const r of group) {
        const moved = await tx
          .update(payouts)
          .set({ status: "batched", batchId: batch.id, address: r.address })
          .where(and(eq(payouts.labelerId, r.labelerId), eq(payouts.status, "queued"), isNull(payouts.batchId)))
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
  return (await db.select({ address: lookupTables.address }).from(lookupTables).orderBy(asc(lookupTables.createdAt))).map((r) => r.address);
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

/**
 * Stores the signed transaction before it is sent, only if the batch still holds `previousSignature` (null for a
 * first build): of two executors signing the same batch, one wins and the other must use the winner's bytes.
 * The replaced (expired) signature is kept for audit. Returns whether this build was stored.
 */
export async function saveSignedBatch(
  db: Db,
  params: { batchId: string; previousSignature: string | null; signature: string; rawTx: Uint8Array; lastValidBlockHeight: bigint },
): Promise<boolean> {
  const stored = await db
    .update(payoutBatches)
    .set({
      status: "signed",
      signature: params.signature,
      rawTx: params.rawTx,
      lastValidBlockHeight: params.lastValidBlockHeight,
      expiredSignatures: params.previousSignature
        ? sql`${payoutBatches.expiredSignatures} || ${JSON.stringify([params.previousSignature])}::jsonb`
        : payoutBatches.expiredSignatures,
    })
    .where(
      and(
        eq(payoutBatches.id, params.batchId),
        inArray(payoutBatches.status, ["new", "signed"]),
        params.previousSignature === null ? isNull(payoutBatches.signature) : eq(payoutBatches.signature, params.previousSignature),
      ),
    )
    .returning({ id: payoutBatches.id });
  return stored.length > 0;
}

export async function getBatch(db: Db, batchId: string): Promise<PayoutBatchRow> {
  const [batch] = await db.select().from(payoutBatches).where(eq(payoutBatches.id, batchId));
  return batch;
}

export async function markBatchSent(db: Db, batchId: string) {
  await db.update(payoutBatches).set({ sentAt: sql`coalesce(${payoutBatches.sentAt}, now())` }).where(eq(payoutBatches.id, batchId));
}

/** The batch landed: its payouts are paid, and an epoch whose payouts are all paid is closed. */
export async function confirmBatch(db: Db, params: { batchId: string; feeLamports: bigint }) {
  await db.transaction(async (tx) => {
    await tx
      .update(payoutBatches)
      .set({ status: "confirmed", confirmedAt: sql`now()`, feeLamports: params.feeLamports })
      .where(eq(payoutBatches.id, params.batchId));
    await tx.update(payouts).set({ status: "paid", paidAt: sql`now()` }).where(eq(payouts.batchId, params.batchId));
    await closePaidEpochs(tx);
  });
}

async function closePaidEpochs(db: Db) {
  await db.execute(
    sql`update payout_epochs e set status = 'paid'
        where e.status = 'planned' and not exists (select 1 from payouts p where p.epoch_id = e.id and p.status <> 'paid')`,
  );
}

/** The transaction landed with an error, so nothing moved: its payouts go back to the queue for a new batch. */
export async function failBatch(db: Db, params: { batchId: string; error: string }) {
  await db.transaction(async (tx) => {
    await tx.update(payoutBatches).set({ status: "failed", error: params.error }).where(eq(payoutBatches.id, params.batchId));
    await tx
      .update(payouts)
      .set({ status: "queued", batchId: null, address: null })
      .where(eq(payouts.batchId, params.batchId));
  });
}

/** A labeler's payouts with the transaction that paid each, newest first. */
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
    })
    .from(payouts)
    .leftJoin(payoutBatches, eq(payoutBatches.id, payouts.batchId))
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
