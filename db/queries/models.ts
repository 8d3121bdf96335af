import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { NotFoundError } from "../errors.ts";
import { queryRows } from "../rows.ts";
import { modelAgreement, projects, rewardModels } from "../schema/index.ts";
import { isUuid } from "../ids.ts";

export type RewardModel = typeof rewardModels.$inferSelect;

/** A new version for the project, queued for training. */
export async function createModelVersion(db: Db, projectId: string): Promise<RewardModel> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select id from projects where id = ${projectId} for update`);
    const [{ next }] = await queryRows<{ next: number }>(
      tx,
      sql`select coalesce(max(version), 0)::int + 1 as next from reward_models where project_id = ${projectId}`,
    );
    const [model] = await tx.insert(rewardModels).values({ projectId, version: next }).returning();
    return model;
  });
}

export async function getModel(db: Db, id: string): Promise<RewardModel | null> {
  if (!isUuid(id)) return null;
  const [model] = await db.select().from(rewardModels).where(eq(rewardModels.id, id));
  return model ?? null;
}

export async function listModels(db: Db, projectId: string): Promise<RewardModel[]> {
  return db
    .select()
    .from(rewardModels)
    .where(eq(rewardModels.projectId, projectId))
    .orderBy(desc(rewardModels.version));
}

export async function updateModel(
  db: Db,
  id: string,
  values: Partial<Pick<RewardModel, "status" | "progress" | "metrics" | "dir" | "pairs" | "error" | "trainedAt">>,
) {
  await db.update(rewardModels).set(values).where(eq(rewardModels.id, id));
}

/** Makes `modelId` the project's one published version. */
export async function publishModel(db: Db, params: { projectId: string; modelId: string }) {
  if (!isUuid(params.modelId)) throw new NotFoundError("trained model version");
  await db.transaction(async (tx) => {
    const [model] = await tx
      .select()
      .from(rewardModels)
      .where(and(eq(rewardModels.id, params.modelId), eq(rewardModels.projectId, params.projectId)));
    if (!model || model.status !== "ready") throw new NotFoundError("trained model version");
    await tx.update(rewardModels).set({ publishedAt: null }).where(eq(rewardModels.projectId, params.projectId));
    await tx
      .update(rewardModels)
      .set({ publishedAt: sql`now()` })
      .where(eq(rewardModels.id, params.modelId));
  });
}

export async function getPublishedModel(db: Db, projectId: string): Promise<RewardModel | null> {
  const [model] = await db
    .select()
    .from(rewardModels)
    .where(and(eq(rewardModels.projectId, projectId), isNotNull(rewardModels.publishedAt)));
  return model ?? null;
}

/** Every published model with its project's title: what premium users can call. */
export async function listPublishedModels(db: Db) {
  return db
    .select({
      id: rewardModels.id,
      version: rewardModels.version,
      title: projects.title,
      metrics: rewardModels.metrics,
    })
    .from(rewardModels)
    .innerJoin(projects, eq(projects.id, rewardModels.projectId))
    .where(isNotNull(rewardModels.publishedAt))
    .orderBy(projects.title);
}

export async function recordModelAgreement(db: Db, params: { modelId: string; agreement: number; items: number }) {
  await db.insert(modelAgreement).values(params);
}

export async function listModelAgreement(db: Db, modelId: string, limit = 100) {
  const rows = await db
    .select()
    .from(modelAgreement)
    .where(eq(modelAgreement.modelId, modelId))
    .orderBy(desc(modelAgreement.createdAt))
    .limit(limit);
  return rows.reverse();
}

/** Open items of a pairwise project with what a model needs to score them. */
export async function listOpenPairs(db: Db, projectId: string) {
  return queryRows<{ id: number; prompt: string; a: string; b: string; extra: boolean }>(
    db,
    sql`select i.id::int, i.content->>'prompt' as prompt, i.content->>'responseA' as a, i.content->>'responseB' as b,
          i.labels_wanted > p.labels_per_item as extra
        from items i join projects p on p.id = i.project_id
        where i.project_id = ${projectId} and not i.done and i.content->>'kind' = 'pairwise'
        order by i.id`,
  );
}

/** Sets item priorities in bulk (the assignment queue serves the highest first). */
export async function setItemPriorities(db: Db, priorities: Array<{ id: number; priority: number }>) {
  for (let i = 0; i < priorities.length; i += 1000) {
    const values = sql.join(
      priorities.slice(i, i + 1000).map((p) => sql`(${p.id}::bigint, ${p.priority}::real)`),
      sql`, `,
    );
    // Rows whose priority did not change are not rewritten (priority is in the open-items index).
    await db.execute(
      sql`update items set priority = v.p from (values ${values}) as v(id, p) where items.id = v.id and items.priority is distinct from v.p`,
    );
  }
}

/** Items with a decisive consensus (a or b), for measuring a model against the crowd. */
export async function listDecidedPairs(db: Db, projectId: string) {
  return queryRows<{ prompt: string; a: string; b: string; label: string }>(
    db,
    sql`select i.content->>'prompt' as prompt, i.content->>'responseA' as a, i.content->>'responseB' as b, c.label
        from item_consensus c join items i on i.id = c.item_id
        where c.project_id = ${projectId} and c.label in ('a', 'b')`,
  );
}
