import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { queryRows } from "../rows.ts";
import { goldCommitments } from "../schema/index.ts";

export type GoldCommitment = typeof goldCommitments.$inferSelect;

/** Uploads of the project holding gold items that no commitment covers yet, oldest first. */
export async function listUploadsWithUncommittedGold(db: Db, projectId: string): Promise<string[]> {
  const rows = await queryRows<{ upload_id: string }>(
    db,
    sql`select u.id as upload_id from uploads u
        where u.project_id = ${projectId}
          and exists (select 1 from items i where i.upload_id = u.id and i.gold is not null)
          and not exists (select 1 from gold_commitments g where g.upload_id = u.id)
        order by u.created_at, u.id`,
  );
  return rows.map((r) => r.upload_id);
}

/** Projects with gold items not yet covered by a commitment posted on chain. */
export async function listProjectsWithUncommittedGold(db: Db): Promise<string[]> {
  const rows = await queryRows<{ project_id: string }>(
    db,
    sql`select distinct u.project_id from uploads u
        where exists (select 1 from items i where i.upload_id = u.id and i.gold is not null)
          and not exists (select 1 from gold_commitments g where g.upload_id = u.id and g.signature is not null)`,
  );
  return rows.map((r) => r.project_id);
}

/** Whether some gold item of the project is not yet covered by a commitment posted on chain. */
export async function hasUncommittedGold(db: Db, projectId: string): Promise<boolean> {
  const [row] = await queryRows<{ pending: boolean }>(
    db,
    sql`select exists (select 1 from uploads u
          where u.project_id = ${projectId}
            and exists (select 1 from items i where i.upload_id = u.id and i.gold is not null)
            and not exists (select 1 from gold_commitments g where g.upload_id = u.id and g.signature is not null)
        ) as pending`,
  );
  return row.pending;
}

/** The [external id, gold] pairs an upload inserted, as stored now (what scoring reads). */
export async function listUploadGold(db: Db, uploadId: string): Promise<[string, string][]> {
  const rows = await queryRows<{ external_id: string; gold: string }>(
    db,
    sql`select external_id, gold from items where upload_id = ${uploadId} and gold is not null`,
  );
  return rows.map((r) => [r.external_id, r.gold]);
}

/** Records a commitment to an upload's gold; null when the upload already has one (it is made once). */
export async function insertGoldCommitment(
  db: Db,
  params: { projectId: string; uploadId: string; commitment: string; salt: string; canonical: string; items: number },
): Promise<GoldCommitment | null> {
  const [row] = await db
    .insert(goldCommitments)
    .values(params)
    .onConflictDoNothing({ target: goldCommitments.uploadId })
    .returning();
  return row ?? null;
}

/** The project's commitments, oldest first; `revealedOnly` leaves out those not revealed yet. */
export async function listGoldCommitments(
  db: Db,
  params: { projectId: string; revealedOnly?: boolean },
): Promise<GoldCommitment[]> {
  return db
    .select()
    .from(goldCommitments)
    .where(
      and(
        eq(goldCommitments.projectId, params.projectId),
        params.revealedOnly ? isNotNull(goldCommitments.revealedAt) : undefined,
      ),
    )
    .orderBy(asc(goldCommitments.createdAt), asc(goldCommitments.id));
}

/** Commitments of the project whose memo has not been seen finalized yet. */
export async function listUnpostedGoldCommitments(db: Db, projectId: string): Promise<GoldCommitment[]> {
  return db
    .select()
    .from(goldCommitments)
    .where(and(eq(goldCommitments.projectId, projectId), isNull(goldCommitments.signature)))
    .orderBy(asc(goldCommitments.createdAt), asc(goldCommitments.id));
}

/** The memo is finalized: from now on the upload's gold items can be leased. The first signature recorded stays. */
export async function recordGoldCommitmentPosted(db: Db, params: { id: string; signature: string }): Promise<void> {
  await db
    .update(goldCommitments)
    .set({ signature: params.signature, committedAt: sql`now()` })
    .where(and(eq(goldCommitments.id, params.id), isNull(goldCommitments.signature)));
}

/**
 * Reveals the salt and gold list of every commitment of the project that is on chain, to its labelers (call it when
 * the project closes, or when the requester asks). Commitments still waiting for the chain stay hidden: their items
 * were never served. Returns how many were newly revealed.
 */
export async function revealGold(db: Db, projectId: string): Promise<number> {
  const rows = await db
    .update(goldCommitments)
    .set({ revealedAt: sql`now()` })
    .where(
      and(
        eq(goldCommitments.projectId, projectId),
        isNotNull(goldCommitments.signature),
        isNull(goldCommitments.revealedAt),
      ),
    )
    .returning({ id: goldCommitments.id });
  return rows.length;
}

/** Leases of a commitment's gold items that started before the commitment was recorded as finalized. */
export async function countGoldServedBeforeCommitment(db: Db, commitmentId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from gold_commitments g
        join items i on i.upload_id = g.upload_id and i.gold is not null
        join assignments a on a.item_id = i.id
        where g.id = ${commitmentId} and (g.committed_at is null or a.leased_at < g.committed_at)`,
  );
  return row.n;
}

/** Whether the user was ever given a task of the project. */
export async function isProjectLabeler(db: Db, params: { projectId: string; labelerId: string }): Promise<boolean> {
  const [row] = await queryRows<{ yes: boolean }>(
    db,
    sql`select exists (select 1 from assignments a
          where a.project_id = ${params.projectId} and a.labeler_id = ${params.labelerId}) as yes`,
  );
  return row.yes;
}
