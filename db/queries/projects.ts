import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { queryRows } from "../rows.ts";
import { assignments, items, labels, projects, uploads, type Question, type TaskType } from "../schema/index.ts";
import { isUuid } from "../ids.ts";

export type Project = typeof projects.$inferSelect;

// Drizzle prints columns unqualified inside single-table selects; correlated subqueries need the table name.
const projectIdRef = sql.raw('"projects"."id"');

export interface NewProject {
  ownerId: string;
  title: string;
  instructions: string;
  taskType: TaskType;
  labelsPerItem: number;
  rewardPerLabel: bigint;
  budget: bigint;
  categories?: string[] | null;
  ratingMin?: number | null;
  ratingMax?: number | null;
  questions?: Question[] | null;
  leaseSeconds?: number;
}

export async function createProject(db: Db, params: NewProject): Promise<Project> {
  const [project] = await db.insert(projects).values(params).returning();
  return project;
}

export async function getProject(db: Db, id: string): Promise<Project | null> {
  if (!isUuid(id)) return null;
  const [project] = await db.select().from(projects).where(eq(projects.id, id));
  return project ?? null;
}

export async function listOwnedProjects(db: Db, ownerId: string): Promise<Project[]> {
  return db.select().from(projects).where(eq(projects.ownerId, ownerId)).orderBy(desc(projects.createdAt));
}

export async function setProjectPaused(db: Db, params: { projectId: string; paused: boolean }) {
  await db.update(projects).set({ paused: params.paused }).where(eq(projects.id, params.projectId));
}

export async function setQualityThreshold(db: Db, params: { projectId: string; threshold: number | null }) {
  await db.update(projects).set({ qualityThreshold: params.threshold }).where(eq(projects.id, params.projectId));
}

/** How many of a project's latest answers its median time per item is taken from. */
const MEDIAN_SAMPLE = 500;

/**
 * Projects a labeler can work on, with how many items are still open to them, the start of the instructions (what
 * the project is about) and the median time its latest answers took (null before any).
 */
export async function listOpenProjectsForLabeler(db: Db, labelerId: string) {
  return db
    .select({
      id: projects.id,
      title: projects.title,
      taskType: projects.taskType,
      rewardPerLabel: projects.rewardPerLabel,
      instructionsStart: sql<string>`left(${projects.instructions}, 1000)`,
      // Of the latest answers only: the list is read on every visit, and a big project's median barely moves.
      medianTimeMs: sql<number | null>`(select percentile_cont(0.5) within group (order by r.ms)::int
        from (select l.time_spent_ms as ms from ${labels} l where l.project_id = ${projectIdRef}
          order by l.id desc limit ${MEDIAN_SAMPLE}) r)`,
      open: sql<number>`(select count(*)::int from ${items} i where i.project_id = ${projectIdRef} and not i.done
        and not i.awaiting_responses and not exists (select 1 from ${assignments} a where a.item_id = i.id and a.labeler_id = ${labelerId} and a.status <> 'leased'))`,
      mine: sql<number>`(select count(*)::int from ${labels} l where l.project_id = ${projectIdRef} and l.labeler_id = ${labelerId})`,
    })
    .from(projects)
    .where(and(eq(projects.paused, false), sql`${projects.closedAt} is null`))
    .orderBy(desc(projects.createdAt));
}

export interface ProjectProgress {
  items: number;
  /** Items with all the answers they want. */
  done: number;
  /** Form items waiting for the platform to generate their responses (not yet served). */
  awaitingResponses: number;
  /** Items a labeler holds a live lease on, or that have some but not all of their first k answers. */
  inProgress: number;
  /** Items waiting for a labeler: never answered, or sent back for more answers and not leased since. */
  open: number;
  answers: number;
  skipped: number;
  flagged: number;
}

/**
 * Whether the item `i` (an alias) is in progress: not done, served, and leased live or holding some but not all of
 * its first `labelsPerItem` answers. An item sent back for more answers already has k: its old answers do not count.
 */
function inProgressSql(i: string, labelsPerItem: SQL) {
  const item = sql.raw(i);
  return sql`not ${item}.done and not ${item}.awaiting_responses and (
    (${item}.answers > 0 and ${item}.answers < ${labelsPerItem}) or exists (
    select 1 from ${assignments} a where a.item_id = ${item}.id and a.status = 'leased' and a.expires_at > now()))`;
}

export async function getProjectProgress(db: Db, projectId: string): Promise<ProjectProgress> {
  const labelsPerItem = sql`(select p.labels_per_item from ${projects} p where p.id = ${projectId})`;
  const [row] = await db
    .select({
      items: sql<number>`count(*)::int`,
      done: sql<number>`count(*) filter (where ${items.done})::int`,
      awaitingResponses: sql<number>`count(*) filter (where ${items.awaitingResponses})::int`,
      inProgress: sql<number>`count(*) filter (where ${inProgressSql('"items"', labelsPerItem)})::int`,
      answers: sql<number>`coalesce(sum(${items.answers}), 0)::int`,
    })
    .from(items)
    .where(eq(items.projectId, projectId));
  const [status] = await db
    .select({
      skipped: sql<number>`count(*) filter (where ${assignments.status} = 'skipped')::int`,
      flagged: sql<number>`count(*) filter (where ${assignments.status} = 'flagged')::int`,
    })
    .from(assignments)
    .where(eq(assignments.projectId, projectId));
  return { ...row, open: row.items - row.done - row.inProgress - row.awaitingResponses, ...status };
}

/** Each labeler's activity on the project, by account id only (requesters see a pseudonym, never name or email). */
export async function listProjectLabelers(db: Db, projectId: string) {
  return queryRows<{
    labeler_id: string;
    answers: number;
    skipped: number;
    flagged: number;
    median_ms: number | null;
    last_at: string | null;
  }>(
    db,
    sql`
    select a.labeler_id,
      count(*) filter (where a.status = 'answered')::int as answers,
      count(*) filter (where a.status = 'skipped')::int as skipped,
      count(*) filter (where a.status = 'flagged')::int as flagged,
      (select percentile_cont(0.5) within group (order by l.time_spent_ms) from labels l
        where l.project_id = ${projectId} and l.labeler_id = a.labeler_id)::int as median_ms,
      max(a.finished_at)::text as last_at
    from assignments a
    where a.project_id = ${projectId} and a.status <> 'leased'
    group by a.labeler_id
    order by answers desc, a.labeler_id`,
  );
}

export async function listFlaggedItems(db: Db, projectId: string, limit = 100) {
  return db
    .select({
      itemId: items.id,
      externalId: items.externalId,
      reason: assignments.flagReason,
      at: assignments.finishedAt,
      count: sql<number>`count(*) over (partition by ${items.id})::int`,
    })
    .from(assignments)
    .innerJoin(items, eq(items.id, assignments.itemId))
    .where(and(eq(assignments.projectId, projectId), eq(assignments.status, "flagged")))
    .orderBy(desc(assignments.finishedAt))
    .limit(limit);
}

export async function listOwnedProjectsWithProgress(db: Db, ownerId: string) {
  return db
    .select({
      id: projects.id,
      title: projects.title,
      taskType: projects.taskType,
      paused: projects.paused,
      rewardPerLabel: projects.rewardPerLabel,
      items: sql<number>`(select count(*)::int from ${items} i where i.project_id = ${projectIdRef})`,
      done: sql<number>`(select count(*)::int from ${items} i where i.project_id = ${projectIdRef} and i.done)`,
      awaitingResponses: sql<number>`(select count(*)::int from ${items} i where i.project_id = ${projectIdRef}
        and i.awaiting_responses)`,
      inProgress: sql<number>`(select count(*)::int from ${items} i where i.project_id = ${projectIdRef}
        and ${inProgressSql("i", sql.raw('"projects"."labels_per_item"'))})`,
    })
    .from(projects)
    .where(eq(projects.ownerId, ownerId))
    .orderBy(desc(projects.createdAt));
}

export async function listUploads(db: Db, projectId: string) {
  return db.select().from(uploads).where(eq(uploads.projectId, projectId)).orderBy(desc(uploads.createdAt)).limit(50);
}

/** Closes the project (no more tasks, no late answers); false when it was closed already. */
export async function closeProject(db: Db, projectId: string): Promise<boolean> {
  const rows = await db
    .update(projects)
    .set({ closedAt: sql`now()` })
    .where(and(eq(projects.id, projectId), sql`${projects.closedAt} is null`))
    .returning({ id: projects.id });
  return rows.length > 0;
}

/** The owner's project of this title, if any. */
export async function findOwnedProjectByTitle(
  db: Db,
  params: { ownerId: string; title: string },
): Promise<Project | null> {
  const [row] = await db
    .select()
    .from(projects)
    .where(and(eq(projects.ownerId, params.ownerId), eq(projects.title, params.title)));
  return row ?? null;
}

/** The id the requester gave an item (or its content hash). */
export async function getItemExternalId(db: Db, itemId: number): Promise<string | null> {
  const [row] = await db.select({ externalId: items.externalId }).from(items).where(eq(items.id, itemId));
  return row?.externalId ?? null;
}
