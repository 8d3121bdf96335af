import { and, desc, eq, getTableColumns, lt, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { queryRows } from "../rows.ts";
import { replaceProjectAbuseSignals, type AbuseSignalInput } from "./abuse.ts";
import {
  consensusRuns,
  itemConsensus,
  labelerQuality,
  projects,
  questionConsensus,
  users,
  type FormAnswers,
  type QualityFlagName,
  type QuestionConsensus,
} from "../schema/index.ts";

export interface StoredAnswer {
  labelId: number;
  labelerId: string;
  itemId: number;
  value: string;
  swapped: boolean;
  gold: string | null;
  timeSpentMs: number;
  /** Length of what the labeler had to read (prompt and responses, or the text). */
  textChars: number;
}

interface AnswerRow {
  id: string | number;
  labeler_id: string;
  item_id: string | number;
  value: string;
  swapped: boolean;
  gold: string | null;
  time_spent_ms: number;
  text_chars: number;
}

const toStoredAnswer = (r: AnswerRow): StoredAnswer => ({
  labelId: Number(r.id),
  labelerId: r.labeler_id,
  itemId: Number(r.item_id),
  value: r.value,
  swapped: r.swapped,
  gold: r.gold,
  timeSpentMs: r.time_spent_ms,
  textChars: r.text_chars,
});

/** Every answer of a project in the order given (but those rejected in review), with what consensus and abuse checks need. */
export async function loadProjectAnswers(db: Db, projectId: string): Promise<StoredAnswer[]> {
  const rows = await queryRows<AnswerRow>(
    db,
    sql`select l.id, l.labeler_id, l.item_id, l.value, l.swapped, i.gold, l.time_spent_ms,
          (coalesce(length(i.content->>'prompt'), 0) + coalesce(length(i.content->>'responseA'), 0)
            + coalesce(length(i.content->>'responseB'), 0) + coalesce(length(i.content->>'response'), 0)
            + coalesce(length(i.content->>'text'), 0))::int as text_chars
        from labels l join items i on i.id = l.item_id
        where l.project_id = ${projectId} and l.review_status <> 'rejected'
        order by l.id`,
  );
  return rows.map(toStoredAnswer);
}

/** A form project's answer: `value` is "form", `gold` the item's gold answers as JSON text (by question name). */
export interface FormStoredAnswer extends StoredAnswer {
  /** Each question's answer in the item's own terms. */
  answers: FormAnswers;
  /** The item's responses as this labeler saw them, in screen order; null: the item's own order. */
  responseOrder: number[] | null;
  /** How many responses the item has. */
  responses: number;
}

const json = <T>(v: T | string | null): T | null => (typeof v === "string" ? (JSON.parse(v) as T) : v);

/** Every answer of a form project in the order given (but those rejected), with the screen order and the item's size. */
export async function loadFormAnswers(db: Db, projectId: string): Promise<FormStoredAnswer[]> {
  const rows = await queryRows<
    AnswerRow & { answers: FormAnswers | string | null; response_order: number[] | string | null; responses: number }
  >(
    db,
    sql`select l.id, l.labeler_id, l.item_id, l.value, l.swapped, i.gold, l.time_spent_ms, l.answers,
          a.response_order, coalesce(jsonb_array_length(i.content->'responses'), 0)::int as responses,
          (coalesce(length(i.content->>'prompt'), 0)
            + coalesce((select sum(length(m->>'content')) from jsonb_array_elements(i.content->'messages') m), 0)
            + coalesce((select sum(length(r->>'text')) from jsonb_array_elements(i.content->'responses') r), 0))::int
            as text_chars
        from labels l join items i on i.id = l.item_id join assignments a on a.id = l.assignment_id
        where l.project_id = ${projectId} and l.review_status <> 'rejected'
        order by l.id`,
  );
  return rows.map((r) => ({
    ...toStoredAnswer(r),
    answers: json(r.answers) ?? {},
    responseOrder: json(r.response_order),
    responses: r.responses,
  }));
}

/** Form projects: one question's consensus on one item (text questions have none). */
export interface QuestionConsensusRow {
  itemId: number;
  question: string;
  result: QuestionConsensus;
  confidence: number;
}

export interface ItemConsensusRow {
  itemId: number;
  label: string;
  confidence: number;
  detail: Record<string, number>;
  answers: number;
}

export interface LabelerQualityRow {
  labelerId: string;
  quality: number;
  answers: number;
  agreement: number;
  chance: number;
  goldAnswered: number;
  goldCorrect: number;
  medianMs: number | null;
  leftShare: number | null;
  positionBias: number | null;
  flags: QualityFlagName[];
  /** Set: the labeler is paused on the project with this reason; null: not paused. */
  pausedReason: string | null;
}

export interface ConsensusRunRow {
  method: string;
  /** The newest label the run saw. */
  lastLabelId: number;
  answers: number;
  items: number;
  labelers: number;
  krippendorffAlpha: number | null;
  fleissKappa: number | null;
  meanConfidence: number | null;
  confidenceBins: number[];
  durationMs: number;
}

const finite = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);

/**
 * Stores one consensus run atomically: item consensus (and, for form projects, question consensus), labeler quality
 * (keeping the previous score; a labeler with a pause reason is paused, one without is un-paused), the project's
 * answer-pattern abuse signals and the run's agreement figures. Two runs on one project at once queue on the item rows, so the second one's signals
 * replace the first one's instead of colliding with them.
 */
export async function saveConsensus(
  db: Db,
  params: {
    projectId: string;
    items: ItemConsensusRow[];
    /** Form projects: replaces the project's question consensus. */
    questions?: QuestionConsensusRow[];
    labelers: LabelerQualityRow[];
    signals: AbuseSignalInput[];
    run: ConsensusRunRow;
  },
): Promise<{ runId: number; paused: string[] }> {
  const { projectId } = params;
  return db.transaction(async (tx) => {
    for (let i = 0; i < params.items.length; i += 1000) {
      await tx
        .insert(itemConsensus)
        .values(params.items.slice(i, i + 1000).map((r) => ({ ...r, projectId })))
        .onConflictDoUpdate({
          target: itemConsensus.itemId,
          set: {
            label: sql`excluded.label`,
            confidence: sql`excluded.confidence`,
            detail: sql`excluded.detail`,
            answers: sql`excluded.answers`,
            computedAt: sql`excluded.computed_at`,
          },
        });
    }
    if (params.questions) {
      // After the item rows: a concurrent run waits on those until this one commits, then replaces these rows.
      await tx.delete(questionConsensus).where(eq(questionConsensus.projectId, projectId));
      for (let i = 0; i < params.questions.length; i += 1000) {
        await tx
          .insert(questionConsensus)
          .values(params.questions.slice(i, i + 1000).map((r) => ({ ...r, projectId })));
      }
    }
    await replaceProjectAbuseSignals(tx, { projectId, signals: params.signals });
    const paused: string[] = [];
    for (let i = 0; i < params.labelers.length; i += 500) {
      const chunk = params.labelers.slice(i, i + 500).map((l) => {
        if (l.pausedReason) paused.push(l.labelerId);
        return { ...l, projectId, pausedAt: l.pausedReason ? sql`now()` : null };
      });
      await tx
        .insert(labelerQuality)
        .values(chunk)
        .onConflictDoUpdate({
          target: [labelerQuality.projectId, labelerQuality.labelerId],
          set: {
            // A rerun without new answers (a new threshold, "recompute") keeps the score it is compared with.
            previousQuality: sql`case when excluded.answers <> labeler_quality.answers then labeler_quality.quality else labeler_quality.previous_quality end`,
            quality: sql`excluded.quality`,
            answers: sql`excluded.answers`,
            agreement: sql`excluded.agreement`,
            chance: sql`excluded.chance`,
            goldAnswered: sql`excluded.gold_answered`,
            goldCorrect: sql`excluded.gold_correct`,
            medianMs: sql`excluded.median_ms`,
            leftShare: sql`excluded.left_share`,
            positionBias: sql`excluded.position_bias`,
            flags: sql`excluded.flags`,
            pausedAt: sql`case when excluded.paused_at is null then null else coalesce(labeler_quality.paused_at, excluded.paused_at) end`,
            pausedReason: sql`excluded.paused_reason`,
            computedAt: sql`excluded.computed_at`,
          },
        });
    }
    const r = params.run;
    const [run] = await tx
      .insert(consensusRuns)
      .values({
        ...r,
        projectId,
        krippendorffAlpha: finite(r.krippendorffAlpha),
        fleissKappa: finite(r.fleissKappa),
        meanConfidence: finite(r.meanConfidence),
      })
      .returning({ id: consensusRuns.id });
    return { runId: run.id, paused };
  });
}

export async function listConsensusRuns(db: Db, projectId: string, limit = 60) {
  const rows = await db
    .select()
    .from(consensusRuns)
    .where(eq(consensusRuns.projectId, projectId))
    .orderBy(desc(consensusRuns.createdAt), desc(consensusRuns.id))
    .limit(limit);
  return rows.reverse();
}

export async function listLabelerQuality(db: Db, projectId: string) {
  return db
    .select({ ...getTableColumns(labelerQuality), name: users.name, email: users.email })
    .from(labelerQuality)
    .innerJoin(users, eq(users.id, labelerQuality.labelerId))
    .where(eq(labelerQuality.projectId, projectId))
    .orderBy(labelerQuality.quality);
}

/** A labeler's standing on every project they have worked on. */
export async function listLabelerStanding(db: Db, labelerId: string) {
  return db
    .select({
      ...getTableColumns(labelerQuality),
      title: projects.title,
      taskType: projects.taskType,
      threshold: projects.qualityThreshold,
    })
    .from(labelerQuality)
    .innerJoin(projects, eq(projects.id, labelerQuality.projectId))
    .where(eq(labelerQuality.labelerId, labelerId))
    .orderBy(desc(labelerQuality.computedAt));
}

export async function getItemConsensus(db: Db, projectId: string) {
  return db.select().from(itemConsensus).where(eq(itemConsensus.projectId, projectId));
}

/** A form project's per-question consensus, by item then question. */
export async function getQuestionConsensus(db: Db, projectId: string) {
  return db
    .select()
    .from(questionConsensus)
    .where(eq(questionConsensus.projectId, projectId))
    .orderBy(questionConsensus.itemId, questionConsensus.question);
}

/**
 * Sends items whose consensus is less sure than `below` out for `extra` more answers each, ahead of the queue.
 * Returns how many items were reopened.
 */
export async function raiseLabelsWanted(
  db: Db,
  params: { projectId: string; below: number; extra: number },
): Promise<number> {
  const rows = await queryRows<{ id: string | number }>(
    db,
    sql`update items i set labels_wanted = i.labels_wanted + ${params.extra}, done = false, priority = greatest(i.priority, 1)
        from item_consensus c
        where c.item_id = i.id and c.project_id = ${params.projectId} and i.project_id = ${params.projectId}
          and c.confidence < ${params.below}
        returning i.id`,
  );
  return rows.length;
}

export async function countLowConfidence(db: Db, params: { projectId: string; below: number }): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(itemConsensus)
    .where(and(eq(itemConsensus.projectId, params.projectId), lt(itemConsensus.confidence, params.below)));
  return row.n;
}

/**
 * Whether labels arrived, or a person reviewed one (a rejection takes it out, an appeal may bring it back), after the
 * latest consensus run, i.e. the stored consensus is out of date.
 */
export async function consensusIsStale(db: Db, projectId: string): Promise<boolean> {
  const [row] = await queryRows<{ stale: boolean }>(
    db,
    sql`with latest as (select r.last_label_id, r.created_at from consensus_runs r where r.project_id = ${projectId}
                        order by r.id desc limit 1)
        select coalesce((select max(l.id) from labels l where l.project_id = ${projectId}
                           and l.review_status <> 'rejected'), 0)
            > coalesce((select last_label_id from latest), 0)
          or exists (select 1 from labels l, latest where l.project_id = ${projectId}
            and l.reviewer_id is not null and l.reviewed_at > latest.created_at) as stale`,
  );
  return row.stale;
}

/** Projects with labels newer than `afterLabelId`, and the newest label id: what the consensus sweeper watches. */
export async function projectsWithNewLabels(
  db: Db,
  afterLabelId: number,
): Promise<{ projectIds: string[]; lastLabelId: number }> {
  const rows = await queryRows<{ project_id: string; last: string | number }>(
    db,
    sql`select project_id, max(id) as last from labels where id > ${afterLabelId} group by project_id`,
  );
  return {
    projectIds: rows.map((r) => r.project_id),
    lastLabelId: rows.reduce((max, r) => Math.max(max, Number(r.last)), afterLabelId),
  };
}

/** The newest label any consensus run has seen: where the sweeper starts after a restart. */
export async function lastConsensusLabelId(db: Db): Promise<number> {
  const [row] = await queryRows<{ last: string | number | null }>(
    db,
    sql`select max(last_label_id) as last from consensus_runs`,
  );
  return Number(row?.last ?? 0);
}
