import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { isUuid } from "../ids.ts";
import { queryRows } from "../rows.ts";
import {
  projectLabelers,
  projectQualifications,
  projects,
  qualificationAttempts,
  qualificationItems,
  qualificationTests,
  type AttemptAnswer,
  type FormAnswers,
  type FormContent,
  type ProjectVisibility,
  type Question,
} from "../schema/index.ts";

// Drizzle prints columns unqualified inside single-table selects; correlated subqueries need the table name.
const testIdRef = sql.raw('"qualification_tests"."id"');

export type QualificationTest = typeof qualificationTests.$inferSelect;
export type QualificationItem = typeof qualificationItems.$inferSelect;
export type QualificationAttempt = typeof qualificationAttempts.$inferSelect;

export interface TestSettings {
  title: string;
  instructions: string;
  questions: Question[];
  passMark: number;
  maxAttempts: number;
  retryAfterHours: number;
  validDays: number | null;
  showAnswers: boolean;
  /** Paid per finished attempt (base units) from the funds of the project it is taken for; left as it is when omitted. */
  rewardPerAttempt?: bigint;
}

export interface NewQualificationItem {
  content: FormContent;
  answers: FormAnswers;
  explanation: string | null;
}

/**
 * Whether labeler `labelerId` holds a valid pass of the test `testId` (SQL expressions): a finished, passed attempt
 * that has not expired.
 */
export function validPassSql(labelerId: string | SQL, testId: SQL): SQL {
  return sql`exists (select 1 from qualification_attempts qa where qa.test_id = ${testId}
    and qa.labeler_id = ${labelerId} and qa.passed and (qa.expires_at is null or qa.expires_at > now()))`;
}

/** The labeler's mean quality score on the other projects of project `projectId`'s owner (null: none scored). */
export function priorQualitySql(labelerId: string | SQL, projectId: SQL): SQL {
  return sql`(select avg(lq.quality)::real from labeler_quality lq join projects op on op.id = lq.project_id
    where lq.labeler_id = ${labelerId} and op.id <> ${projectId}
      and op.owner_id = (select pp.owner_id from projects pp where pp.id = ${projectId}))`;
}

/**
 * Whether the project (`projectId`, its `visibility`) is open to the labeler: public, or private and either inviting
 * the labeler's email or requiring a test the labeler holds a valid pass of.
 */
export function visibleToSql(labelerId: string | SQL, projectId: SQL, visibility: SQL): SQL {
  return sql`(${visibility} = 'public'
    or exists (select 1 from project_labelers pl join users iu on lower(iu.email) = pl.email
      where pl.project_id = ${projectId} and iu.id = ${labelerId})
    or exists (select 1 from project_qualifications vq where vq.project_id = ${projectId}
      and ${validPassSql(labelerId, sql`vq.test_id`)}))`;
}

export async function createQualificationTest(db: Db, params: TestSettings & { ownerId: string }) {
  const [test] = await db.insert(qualificationTests).values(params).returning();
  return test;
}

/** Updates the owner's test; null when it is not theirs. */
export async function updateQualificationTest(
  db: Db,
  params: Partial<TestSettings> & { testId: string; ownerId: string },
): Promise<QualificationTest | null> {
  const { testId, ownerId, ...fields } = params;
  if (!isUuid(testId)) return null;
  const [test] = await db
    .update(qualificationTests)
    .set(fields)
    .where(and(eq(qualificationTests.id, testId), eq(qualificationTests.ownerId, ownerId)))
    .returning();
  return test ?? null;
}

export async function getQualificationTest(db: Db, testId: string): Promise<QualificationTest | null> {
  if (!isUuid(testId)) return null;
  const [test] = await db.select().from(qualificationTests).where(eq(qualificationTests.id, testId));
  return test ?? null;
}

/** The owner's tests, newest first, with how many items each has. */
export async function listOwnedQualificationTests(db: Db, ownerId: string) {
  return db
    .select({
      test: qualificationTests,
      items: sql<number>`(select count(*)::int from qualification_items qi where qi.test_id = ${testIdRef})`,
    })
    .from(qualificationTests)
    .where(eq(qualificationTests.ownerId, ownerId))
    .orderBy(desc(qualificationTests.createdAt));
}

/** Appends items after the test's last one, all in one statement (all or nothing). */
export async function addQualificationItems(db: Db, params: { testId: string; items: NewQualificationItem[] }) {
  if (params.items.length === 0) return 0;
  return db.transaction(async (tx) => {
    // Serialises concurrent uploads to one test, so that positions never collide.
    await tx.execute(sql`select id from qualification_tests where id = ${params.testId} for update`);
    const [{ last }] = await queryRows<{ last: number }>(
      tx,
      sql`select coalesce(max(position), 0)::int as last from qualification_items where test_id = ${params.testId}`,
    );
    await tx
      .insert(qualificationItems)
      .values(params.items.map((item, i) => ({ ...item, testId: params.testId, position: last + i + 1 })));
    return params.items.length;
  });
}

export async function listQualificationItems(db: Db, testId: string): Promise<QualificationItem[]> {
  return db
    .select()
    .from(qualificationItems)
    .where(eq(qualificationItems.testId, testId))
    .orderBy(asc(qualificationItems.position));
}

/** The labeler's attempts at a test, oldest first. */
export async function listAttempts(db: Db, params: { testId: string; labelerId: string }) {
  return db
    .select()
    .from(qualificationAttempts)
    .where(and(eq(qualificationAttempts.testId, params.testId), eq(qualificationAttempts.labelerId, params.labelerId)))
    .orderBy(asc(qualificationAttempts.startedAt), asc(qualificationAttempts.id));
}

/** One of the labeler's own attempts (anyone else's is null). */
export async function getAttempt(db: Db, params: { attemptId: number; labelerId: string }) {
  const [attempt] = await db
    .select()
    .from(qualificationAttempts)
    .where(and(eq(qualificationAttempts.id, params.attemptId), eq(qualificationAttempts.labelerId, params.labelerId)));
  return attempt ?? null;
}

/** Opens an attempt; null when the labeler already has an unfinished one at this test. */
export async function insertAttempt(
  db: Db,
  params: { testId: string; labelerId: string; projectId: string | null },
): Promise<QualificationAttempt | null> {
  const [attempt] = await db
    .insert(qualificationAttempts)
    .values({ ...params, answers: [] })
    .onConflictDoNothing()
    .returning();
  return attempt ?? null;
}

/** Records (or replaces) the answer to one item of an unfinished attempt; false when the attempt is finished. */
export async function recordAttemptAnswer(db: Db, params: { attemptId: number; answer: AttemptAnswer }) {
  const rows = await db
    .update(qualificationAttempts)
    .set({
      answers: sql`(select coalesce(jsonb_agg(e), '[]'::jsonb) from jsonb_array_elements(coalesce(${qualificationAttempts.answers}, '[]'::jsonb)) e
        where (e->>'itemId')::bigint <> ${params.answer.itemId}) || ${JSON.stringify([params.answer])}::jsonb`,
    })
    .where(and(eq(qualificationAttempts.id, params.attemptId), isNull(qualificationAttempts.finishedAt)))
    .returning({ id: qualificationAttempts.id });
  return rows.length > 0;
}

/** Closes an unfinished attempt with its score; null when it was finished already. */
export async function finishAttempt(
  db: Db,
  params: {
    attemptId: number;
    answers: AttemptAnswer[];
    correct: number;
    total: number;
    passed: boolean;
    validDays: number | null;
  },
): Promise<QualificationAttempt | null> {
  const { attemptId, answers, correct, total, passed, validDays } = params;
  const [attempt] = await db
    .update(qualificationAttempts)
    .set({
      answers,
      correct,
      total,
      passed,
      finishedAt: sql`now()`,
      expiresAt: passed && validDays !== null ? sql`now() + make_interval(days => ${validDays})` : null,
    })
    .where(and(eq(qualificationAttempts.id, attemptId), isNull(qualificationAttempts.finishedAt)))
    .returning();
  return attempt ?? null;
}

/** The tests a project requires (id and title) and its minimum prior quality. */
export async function getProjectRequirements(db: Db, projectId: string) {
  const tests = await db
    .select({ id: qualificationTests.id, title: qualificationTests.title, ownerId: qualificationTests.ownerId })
    .from(projectQualifications)
    .innerJoin(qualificationTests, eq(qualificationTests.id, projectQualifications.testId))
    .where(eq(projectQualifications.projectId, projectId))
    .orderBy(asc(qualificationTests.title));
  const [project] = await db
    .select({ minPriorQuality: projects.minPriorQuality, visibility: projects.visibility })
    .from(projects)
    .where(eq(projects.id, projectId));
  const labelers = await db
    .select({ email: projectLabelers.email })
    .from(projectLabelers)
    .where(eq(projectLabelers.projectId, projectId))
    .orderBy(asc(projectLabelers.email));
  return {
    tests,
    minPriorQuality: project?.minPriorQuality ?? null,
    visibility: project?.visibility ?? "public",
    labelers: labelers.map((l) => l.email),
  };
}

/**
 * Replaces the tests a project requires and sets its minimum prior quality, together; and, when given, its
 * visibility and the emails of the labelers a private project invites (replaced as a whole).
 */
export async function setProjectRequirements(
  db: Db,
  params: {
    projectId: string;
    testIds: string[];
    minPriorQuality: number | null;
    visibility?: ProjectVisibility;
    labelers?: { emails: string[]; invitedBy: string };
  },
) {
  await db.transaction(async (tx) => {
    await tx.delete(projectQualifications).where(eq(projectQualifications.projectId, params.projectId));
    if (params.testIds.length)
      await tx
        .insert(projectQualifications)
        .values([...new Set(params.testIds)].map((testId) => ({ projectId: params.projectId, testId })));
    await tx
      .update(projects)
      .set({ minPriorQuality: params.minPriorQuality, ...(params.visibility ? { visibility: params.visibility } : {}) })
      .where(eq(projects.id, params.projectId));
    if (params.labelers) {
      const { emails, invitedBy } = params.labelers;
      await tx.delete(projectLabelers).where(eq(projectLabelers.projectId, params.projectId));
      const unique = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
      if (unique.length)
        await tx
          .insert(projectLabelers)
          .values(unique.map((email) => ({ projectId: params.projectId, email, invitedBy })));
    }
  });
}

/** Which of `testIds` exist and belong to `ownerId`. */
export async function ownedTestIds(db: Db, params: { ownerId: string; testIds: string[] }): Promise<string[]> {
  const ids = params.testIds.filter(isUuid);
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: qualificationTests.id })
    .from(qualificationTests)
    .where(and(eq(qualificationTests.ownerId, params.ownerId), inArray(qualificationTests.id, ids)));
  return rows.map((r) => r.id);
}

export interface AdmissionGaps {
  /** A private project that neither invites the labeler nor requires a test they hold. */
  closedPrivate: boolean;
  /** Required tests the labeler holds no valid pass of. */
  missing: { id: string; title: string }[];
  minPriorQuality: number | null;
  /** Their mean quality on the owner's other projects where they have a score (null: none). */
  priorQuality: number | null;
}

/** The admission columns (admissionColumnsSql) as the database returns them. */
export interface AdmissionRow {
  visible: boolean;
  missing_tests: { id: string; title: string }[] | string;
  min_prior_quality: number | null;
  prior_quality: number | null;
}

/**
 * What stands between a labeler and a project's tasks, as columns over `p` (a projects row) to select with the rest
 * of a lease's context: whether its visibility admits them, the required tests they lack, their prior quality.
 */
export function admissionColumnsSql(labelerId: string): SQL {
  return sql`${visibleToSql(labelerId, sql`p.id`, sql`p.visibility`)} as visible,
    coalesce((select jsonb_agg(jsonb_build_object('id', t.id, 'title', t.title) order by t.title)
      from project_qualifications pq join qualification_tests t on t.id = pq.test_id
      where pq.project_id = p.id and not ${validPassSql(labelerId, sql`t.id`)}), '[]'::jsonb) as missing_tests,
    p.min_prior_quality,
    case when p.min_prior_quality is null then null else ${priorQualitySql(labelerId, sql`p.id`)} end as prior_quality`;
}

export function toAdmissionGaps(row: AdmissionRow): AdmissionGaps {
  return {
    closedPrivate: !row.visible,
    missing: typeof row.missing_tests === "string" ? JSON.parse(row.missing_tests) : row.missing_tests,
    minPriorQuality: row.min_prior_quality,
    priorQuality: row.prior_quality,
  };
}
