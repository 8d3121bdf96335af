import { and, desc, eq, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { queryRows } from "../rows.ts";
import { assignments, items, labels, projects, uploads, users, type Question, type TaskType } from "../schema/index.ts";
import { isUuid } from "../ids.ts";
import { priorQualitySql, validPassSql, visibleToSql } from "./qualifications.ts";
import { approvedAtSql, effectiveReviewStatusSql } from "./review-state.ts";

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
  /** Hours after which an answer nobody reviewed is approved (0–720); the column's default (72) when left out. */
  approvalDelayHours?: number;
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

/**
 * Sets how long answers nobody reviewed wait before they count as approved. Answers already approved automatically
 * under the old delay stay approved (written down with the moment they were approved, and no reviewer), so a longer
 * delay never takes an approval back; the answers still waiting get the new delay.
 */
export async function setApprovalDelay(db: Db, params: { projectId: string; hours: number }) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`update labels l
      set review_status = 'approved', reviewed_at = ${approvedAtSql}
      from projects p
      where p.id = l.project_id and p.id = ${params.projectId} and l.review_status = 'pending'
        and ${effectiveReviewStatusSql} = 'approved'`);
    await tx.update(projects).set({ approvalDelayHours: params.hours }).where(eq(projects.id, params.projectId));
  });
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
      requester: users.name,
      ownerId: projects.ownerId,
      approvalDelayHours: projects.approvalDelayHours,
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
      // The tests the project requires and whether the labeler holds a valid pass of each.
      tests: sql<{ id: string; title: string; held: boolean }[] | string>`(select coalesce(jsonb_agg(jsonb_build_object(
          'id', t.id, 'title', t.title, 'held', ${validPassSql(labelerId, sql`t.id`)}) order by t.title), '[]'::jsonb)
        from project_qualifications pq join qualification_tests t on t.id = pq.test_id where pq.project_id = ${projectIdRef})`,
      minPriorQuality: projects.minPriorQuality,
      priorQuality: sql<number | null>`${priorQualitySql(labelerId, projectIdRef)}`,
    })
    .from(projects)
    .innerJoin(users, eq(users.id, projects.ownerId))
    .where(
      and(
        eq(projects.paused, false),
        sql`${projects.closedAt} is null`,
        visibleToSql(labelerId, projectIdRef, sql.raw('"projects"."visibility"')),
      ),
    )
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
/** When a text answer counts as pasted in whole (the rule and its numbers: labeling/input-signals.ts). */
export interface PastedWholeRule {
  minChars: number;
  pastedShare: number;
  typedShare: number;
}

/**
 * Each text answer with input signals, over `l` (a labels row): `f.s` its signals, `f.text` its text (a form
 * question's answer, or the fixed shapes' rationale). Use as `cross join lateral ${textFieldsSql} f`.
 */
export const textFieldsSql = sql`(select e.value as s,
    case when l.value = 'form' then l.answers->>e.key else l.rationale end as text
  from jsonb_each(l.input_signals) e) `;

/** Whether `f` (a row of textFieldsSql) was pasted in whole: isPastedWhole, in SQL. */
export function pastedWholeSql(rule: PastedWholeRule): SQL {
  const chars = sql`char_length(coalesce(f.text, ''))`;
  return sql`(${chars} >= ${rule.minChars} and (f.s->>'pastes')::int > 0
    and (f.s->>'pastedChars')::float8 >= ${rule.pastedShare}::float8 * ${chars}
    and (f.s->>'typedChars')::float8 <= ${rule.typedShare}::float8 * ${chars})`;
}

/**
 * Each labeler's work on the project; with `pasted`, also their text answers with input signals, how many were
 * pasted in whole, and the median typing time of those they edited.
 */
export async function listProjectLabelers(db: Db, projectId: string, pasted?: PastedWholeRule) {
  const texts = pasted
    ? sql`(select jsonb_build_object('n', count(*), 'pasted', count(*) filter (where ${pastedWholeSql(pasted)}),
          'typing', percentile_cont(0.5) within group (order by (f.s->>'typingMs')::int)
            filter (where (f.s->>'pastes')::int + (f.s->>'typedChars')::int > 0))
        from labels l cross join lateral ${textFieldsSql} f
        where l.project_id = ${projectId} and l.labeler_id = a.labeler_id and l.input_signals is not null
          and char_length(coalesce(f.text, '')) > 0)`
    : sql`null::jsonb`;
  const rows = await queryRows<{
    labeler_id: string;
    answers: number;
    skipped: number;
    flagged: number;
    median_ms: number | null;
    last_at: string | null;
    texts: { n: number; pasted: number; typing: number | null } | string | null;
  }>(
    db,
    sql`
    select a.labeler_id,
      count(*) filter (where a.status = 'answered')::int as answers,
      count(*) filter (where a.status = 'skipped')::int as skipped,
      count(*) filter (where a.status = 'flagged')::int as flagged,
      (select percentile_cont(0.5) within group (order by l.time_spent_ms) from labels l
        where l.project_id = ${projectId} and l.labeler_id = a.labeler_id)::int as median_ms,
      max(a.finished_at)::text as last_at, ${texts} as texts
    from assignments a
    where a.project_id = ${projectId} and a.status <> 'leased'
    group by a.labeler_id
    order by answers desc, a.labeler_id`,
  );
  return rows.map(({ texts, ...r }) => {
    const t = typeof texts === "string" ? (JSON.parse(texts) as Exclude<typeof texts, string>) : texts;
    return {
      ...r,
      /** Text answers with input signals (null: not asked for). */
      text_answers: t ? Number(t.n) : null,
      pasted_whole: t ? Number(t.pasted) : null,
      median_typing_ms: t?.typing == null ? null : Math.round(Number(t.typing)),
    };
  });
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

/**
 * The requester's projects, and those shared with them by an owner's team (`role` "owner", "co_owner" or
 * "reviewer"; a membership of the one project wins over one of all the owner's projects).
 */
export async function listOwnedProjectsWithProgress(db: Db, ownerId: string) {
  const memberRole = sql`(select m.role::text from project_members m where m.user_id = ${ownerId}
    and m.owner_id = ${projects.ownerId} and (m.project_id = ${projectIdRef} or m.project_id is null)
    order by m.project_id nulls last limit 1)`;
  return db
    .select({
      id: projects.id,
      title: projects.title,
      role: sql<"owner" | "co_owner" | "reviewer">`case when ${projects.ownerId} = ${ownerId} then 'owner'
        else ${memberRole} end`,
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
    .where(or(eq(projects.ownerId, ownerId), sql`${memberRole} is not null`))
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
