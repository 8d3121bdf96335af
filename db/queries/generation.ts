import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DomainError, hasSqlState } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { generationErrors, items, responseGenerations, type FormContent, type FormResponse } from "../schema/index.ts";

export type Generation = typeof responseGenerations.$inferSelect;
export type GenerationError = typeof generationErrors.$inferSelect & { externalId: string };
export type GenerationCounts = Pick<Generation, "itemsTotal" | "itemsDone" | "itemsFailed">;

const counts = {
  itemsTotal: responseGenerations.itemsTotal,
  itemsDone: responseGenerations.itemsDone,
  itemsFailed: responseGenerations.itemsFailed,
};

export async function countAwaitingItems(db: Db, projectId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(items)
    .where(and(eq(items.projectId, projectId), eq(items.awaitingResponses, true)));
  return row.n;
}

/**
 * A queued generation (with `afterInsert`, e.g. queueing its job, in the same transaction); refused while another
 * one of the project is queued or running.
 */
export async function insertGeneration(
  db: Db,
  values: { projectId: string; models: string[]; n: number; temperature: number; itemsTotal: number },
  afterInsert: (tx: Db, generation: Generation) => Promise<unknown>,
): Promise<Generation> {
  try {
    return await db.transaction(async (tx) => {
      const [generation] = await tx.insert(responseGenerations).values(values).returning();
      await afterInsert(tx, generation);
      return generation;
    });
  } catch (error) {
    if (hasSqlState(error, "23505"))
      throw new DomainError("generation_running", "A generation is already running for this project");
    throw error;
  }
}

export async function getGeneration(db: Db, id: string): Promise<Generation | null> {
  if (!isUuid(id)) return null;
  const [generation] = await db.select().from(responseGenerations).where(eq(responseGenerations.id, id));
  return generation ?? null;
}

export async function hasActiveGeneration(db: Db, projectId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: responseGenerations.id })
    .from(responseGenerations)
    .where(
      and(eq(responseGenerations.projectId, projectId), inArray(responseGenerations.status, ["queued", "running"])),
    )
    .limit(1);
  return Boolean(row);
}

export async function listGenerations(db: Db, projectId: string, limit = 20): Promise<Generation[]> {
  return db
    .select()
    .from(responseGenerations)
    .where(eq(responseGenerations.projectId, projectId))
    .orderBy(desc(responseGenerations.createdAt), desc(responseGenerations.id))
    .limit(limit);
}

/** The items each generation gave up on, with their external ids, at most `limitEach` per generation. */
export async function listGenerationErrors(
  db: Db,
  generationIds: string[],
  limitEach = 100,
): Promise<GenerationError[]> {
  if (generationIds.length === 0) return [];
  const ranked = db
    .select({
      generationId: generationErrors.generationId,
      itemId: generationErrors.itemId,
      message: generationErrors.message,
      attempts: generationErrors.attempts,
      createdAt: generationErrors.createdAt,
      externalId: items.externalId,
      rank: sql<number>`row_number() over (partition by ${generationErrors.generationId} order by ${generationErrors.itemId})`.as(
        "rank",
      ),
    })
    .from(generationErrors)
    .innerJoin(items, eq(items.id, generationErrors.itemId))
    .where(inArray(generationErrors.generationId, generationIds))
    .as("ranked");
  const rows = await db
    .select()
    .from(ranked)
    .where(sql`${ranked.rank} <= ${limitEach}`)
    .orderBy(asc(ranked.generationId), asc(ranked.itemId));
  return rows.map(({ rank: _rank, ...row }) => row);
}

/**
 * Starts (or, after a crash, resumes) a queued or running generation: counts what it covers now and returns it, or
 * null when it has finished already.
 */
export async function beginGeneration(db: Db, id: string, remaining: number): Promise<Generation | null> {
  const [generation] = await db
    .update(responseGenerations)
    .set({
      status: "running",
      startedAt: sql`coalesce(${responseGenerations.startedAt}, now())`,
      itemsTotal: sql`${responseGenerations.itemsDone} + ${responseGenerations.itemsFailed} + ${remaining}`,
    })
    .where(and(eq(responseGenerations.id, id), inArray(responseGenerations.status, ["queued", "running"])))
    .returning();
  return generation ?? null;
}

/** The project's items still waiting for responses that this generation has not given up on, in id order. */
export async function listItemsToGenerate(db: Db, generation: Pick<Generation, "id" | "projectId">) {
  const rows = await db
    .select({ id: items.id })
    .from(items)
    .where(
      and(
        eq(items.projectId, generation.projectId),
        eq(items.awaitingResponses, true),
        sql`not exists (select 1 from ${generationErrors} where ${generationErrors.generationId} = ${generation.id}
              and ${generationErrors.itemId} = ${items.id})`,
      ),
    )
    .orderBy(asc(items.id));
  return rows.map((r) => r.id);
}

/** The item's content if it is still waiting for responses (another run may have filled it meanwhile). */
export async function getAwaitingItem(db: Db, itemId: number): Promise<FormContent | null> {
  const [row] = await db
    .select({ content: items.content })
    .from(items)
    .where(and(eq(items.id, itemId), eq(items.awaitingResponses, true)));
  return row?.content.kind === "form" ? row.content : null;
}

/**
 * Gives a waiting item its responses and counts it done, in one transaction; null (nothing changed) when the item
 * was no longer waiting, so a run repeated after a crash never adds responses twice.
 */
export async function fillItemResponses(
  db: Db,
  params: { generationId: string; itemId: number; responses: FormResponse[] },
): Promise<GenerationCounts | null> {
  return db.transaction(async (tx) => {
    const filled = await tx
      .update(items)
      .set({
        content: sql`jsonb_set(${items.content}, '{responses}', ${JSON.stringify(params.responses)}::jsonb)`,
        awaitingResponses: false,
      })
      .where(and(eq(items.id, params.itemId), eq(items.awaitingResponses, true)))
      .returning({ id: items.id });
    if (filled.length === 0) return null;
    const [row] = await tx
      .update(responseGenerations)
      .set({ itemsDone: sql`${responseGenerations.itemsDone} + 1` })
      .where(eq(responseGenerations.id, params.generationId))
      .returning(counts);
    return row;
  });
}

/** Records why the generation gave up on an item and counts it failed (once per item). */
export async function recordItemFailure(
  db: Db,
  params: { generationId: string; itemId: number; message: string; attempts: number },
): Promise<GenerationCounts | null> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(generationErrors)
      .values(params)
      .onConflictDoNothing()
      .returning({ itemId: generationErrors.itemId });
    if (inserted.length === 0) return null;
    const [row] = await tx
      .update(responseGenerations)
      .set({ itemsFailed: sql`${responseGenerations.itemsFailed} + 1` })
      .where(eq(responseGenerations.id, params.generationId))
      .returning(counts);
    return row;
  });
}

export async function finishGeneration(
  db: Db,
  id: string,
  outcome: { status: "done" | "failed"; error?: string },
): Promise<Generation | null> {
  const [generation] = await db
    .update(responseGenerations)
    .set({ status: outcome.status, error: outcome.error ?? null, finishedAt: sql`now()` })
    .where(and(eq(responseGenerations.id, id), inArray(responseGenerations.status, ["queued", "running"])))
    .returning();
  return generation ?? null;
}
