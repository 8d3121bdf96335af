import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { leaseNextTask, submitAnswer } from "../../db/queries/labeling.ts";
import {
  consensusRuns,
  items,
  questionConsensus,
  questionsSchema,
  type FormAnswers,
  type FormContent,
  type QuestionConsensus,
  type QuestionInput,
} from "../../db/schema/index.ts";
import { queryRows } from "../../db/rows.ts";
import { makeProject } from "./fixtures.ts";

/** A funded form project asking `questions` (defaults filled in as the form builder would). */
export async function makeFormProject(db: Db, ownerId: string, questions: QuestionInput[], labelsPerItem = 3) {
  return makeProject(db, ownerId, { taskType: "form", questions: questionsSchema.parse(questions), labelsPerItem });
}

/** Inserts form items as an upload would store them; returns their ids by external id. */
export async function addFormItems(
  db: Db,
  projectId: string,
  rows: { id: string; content: Omit<FormContent, "kind"> }[],
): Promise<Map<string, number>> {
  const inserted = await db
    .insert(items)
    .values(
      rows.map((r) => ({
        projectId,
        externalId: r.id,
        content: { kind: "form" as const, ...r.content },
        labelsWanted: 3,
      })),
    )
    .returning({ id: items.id, externalId: items.externalId });
  return new Map(inserted.map((r) => [r.externalId, r.id]));
}

/**
 * The labeler takes every task the project offers them and answers each with `answer(externalId)`, in the item's
 * own terms, through the real lease and answer queries (each lease shows the responses in its own random order).
 */
export async function answerForms(
  db: Db,
  params: { projectId: string; labelerId: string; answer: (externalId: string) => FormAnswers; rationale?: string },
): Promise<void> {
  const ids = new Map(
    (
      await queryRows<{ id: string | number; external_id: string }>(
        db,
        sql`select id, external_id from items where project_id = ${params.projectId}`,
      )
    ).map((r) => [Number(r.id), r.external_id]),
  );
  for (;;) {
    const task = await leaseNextTask(db, { projectId: params.projectId, labelerId: params.labelerId });
    if (!task) return;
    await submitAnswer(db, {
      assignmentId: task.assignmentId,
      labelerId: params.labelerId,
      answer: { value: "form", answers: params.answer(ids.get(task.itemId)!), rationale: params.rationale ?? null },
    });
  }
}

/** Stores per-question consensus rows as the consensus run saves them. */
export async function setQuestionConsensus(
  db: Db,
  projectId: string,
  rows: { itemId: number; question: string; result: QuestionConsensus; confidence: number }[],
) {
  await db.insert(questionConsensus).values(rows.map((r) => ({ projectId, ...r })));
}

/** Records a consensus run over every answer so far, so exports take the stored consensus as up to date. */
export async function markConsensusFresh(db: Db, projectId: string) {
  const [{ last }] = await queryRows<{ last: string | number }>(
    db,
    sql`select coalesce(max(id), 0) as last from labels where project_id = ${projectId}`,
  );
  await db.insert(consensusRuns).values({
    projectId,
    method: "test",
    lastLabelId: Number(last),
    answers: 0,
    items: 0,
    labelers: 0,
    confidenceBins: [],
    durationMs: 0,
  });
}
