/**
 * Taking a qualification test: start (or resume) an attempt, answer its items, finish it with a score. Answers to
 * test items live on the attempt only and never count as any project's answers.
 */
import type { Db } from "../db/client.ts";
import { DomainError, NotFoundError } from "../db/errors.ts";
import {
  finishAttempt,
  getAttempt,
  getProjectRequirements,
  getQualificationTest,
  insertAttempt,
  listAttempts,
  listQualificationItems,
  recordAttemptAnswer,
  type QualificationAttempt,
  type QualificationItem,
  type QualificationTest,
} from "../db/queries/qualifications.ts";
import type { FormAnswers } from "../db/schema/index.ts";
import { AnswerError } from "./answers.ts";
import { toStoredFormAnswers } from "./form-answers.ts";
import { attemptEligibility, describeAnswer, itemCorrect, scoreAttempt, type Eligibility } from "./qualifications.ts";
import { toTaskView, type TaskView } from "./task-view.ts";

/** A test item as the labeler sees it: a form task whose `assignmentId` is the item's id, responses in item order. */
export function testItemView(test: QualificationTest, item: QualificationItem): Extract<TaskView, { kind: "form" }> {
  const view = toTaskView(
    {
      assignmentId: item.id,
      itemId: item.id,
      projectId: "",
      content: item.content,
      swapped: false,
      responseOrder: null,
      expiresAt: new Date(0),
    },
    test.questions,
  );
  return view as Extract<TaskView, { kind: "form" }>;
}

const identity = (item: QualificationItem) => item.content.responses.map((_, i) => i);

/** A labeler's screen answers to a test item in the item's own terms; what is wrong with them as a 400. */
function storedAnswers(test: QualificationTest, item: QualificationItem, answers: Record<string, unknown>) {
  try {
    return toStoredFormAnswers(test.questions, identity(item), answers);
  } catch (error) {
    if (error instanceof AnswerError) throw new DomainError("invalid_answer", `item ${item.id}: ${error.message}`);
    throw error;
  }
}

async function requireTest(db: Db, testId: string) {
  const test = await getQualificationTest(db, testId);
  if (!test) throw new NotFoundError("qualification test");
  return test;
}

/** Where the labeler stands with a test now. */
export async function eligibilityFor(db: Db, test: QualificationTest, labelerId: string, now = new Date()) {
  return attemptEligibility(test, await listAttempts(db, { testId: test.id, labelerId }), now);
}

function refusal(e: Exclude<Eligibility, { kind: "in_progress" | "may_start" }>): DomainError {
  switch (e.kind) {
    case "passed":
      return new DomainError("already_qualified", "You already hold a valid pass of this test.");
    case "wait":
      return new DomainError("retry_later", `You may try this test again from ${e.until.toISOString()}.`);
    case "no_attempts_left":
      return new DomainError("no_attempts_left", "You have used every attempt this test allows.");
  }
}

export interface StartedAttempt {
  attempt: QualificationAttempt;
  test: QualificationTest;
  items: QualificationItem[];
  /** Ids of the items answered so far (a resumed attempt keeps its answers). */
  answered: number[];
}

/**
 * Starts an attempt, or resumes the labeler's unfinished one. Refused while they hold a valid pass, during the wait
 * after a failure, once the attempts are used up, and for a test without items. `projectId`, when given, must be a
 * project that requires the test (a paid test will pay from its funds).
 */
export async function startQualificationAttempt(
  db: Db,
  params: { testId: string; labelerId: string; projectId?: string | null; now?: Date },
): Promise<StartedAttempt> {
  const test = await requireTest(db, params.testId);
  const items = await listQualificationItems(db, test.id);
  if (items.length === 0) throw new DomainError("test_empty", "This test has no items yet.");
  if (params.projectId) {
    const { tests } = await getProjectRequirements(db, params.projectId);
    if (!tests.some((t) => t.id === test.id))
      throw new DomainError("not_required", "That project does not require this test.");
  }
  const eligibility = await eligibilityFor(db, test, params.labelerId, params.now);
  let attempt: QualificationAttempt | null;
  if (eligibility.kind === "in_progress") {
    attempt = await getAttempt(db, { attemptId: eligibility.attemptId, labelerId: params.labelerId });
  } else if (eligibility.kind === "may_start") {
    attempt = await insertAttempt(db, {
      testId: test.id,
      labelerId: params.labelerId,
      projectId: params.projectId ?? null,
    });
    // A concurrent start won the unique open attempt: resume that one.
    if (!attempt) return startQualificationAttempt(db, { ...params, projectId: null });
  } else throw refusal(eligibility);
  if (!attempt) throw new NotFoundError("attempt");
  return { attempt, test, items, answered: (attempt.answers ?? []).map((a) => a.itemId) };
}

async function requireOpenAttempt(db: Db, params: { attemptId: number; labelerId: string }) {
  const attempt = await getAttempt(db, params);
  if (!attempt) throw new NotFoundError("attempt");
  if (attempt.finishedAt) throw new DomainError("already_finished", "This attempt is finished.");
  const test = await requireTest(db, attempt.testId);
  return { attempt, test, items: await listQualificationItems(db, test.id) };
}

export interface AttemptResult {
  attemptId: number;
  testId: string;
  correct: number;
  total: number;
  passMark: number;
  passed: boolean;
  finishedAt: string;
  expiresAt: string | null;
  /** The items got wrong, with the known answer and why only when the test shows its answers. */
  wrong: {
    itemId: number;
    position: number;
    yourAnswer: Record<string, string>;
    knownAnswer?: Record<string, string>;
    explanation?: string | null;
  }[];
  answersShown: boolean;
  next: Eligibility;
}

/** A finished attempt's result for the labeler who took it. */
export function attemptResult(
  test: QualificationTest,
  items: readonly QualificationItem[],
  attempt: QualificationAttempt,
  next: Eligibility,
): AttemptResult {
  const byId = new Map(items.map((i) => [i.id, i]));
  const inWords = (answers: FormAnswers, only: FormAnswers) =>
    Object.fromEntries(
      test.questions.filter((q) => q.name in only).map((q) => [q.title, describeAnswer(q, answers[q.name])]),
    );
  const wrong = (attempt.answers ?? []).flatMap((a) => {
    const item = byId.get(a.itemId);
    if (a.correct || !item) return [];
    return [
      {
        itemId: item.id,
        position: item.position,
        yourAnswer: inWords(a.answers, item.answers),
        ...(test.showAnswers
          ? { knownAnswer: inWords(item.answers, item.answers), explanation: item.explanation }
          : {}),
      },
    ];
  });
  return {
    attemptId: attempt.id,
    testId: test.id,
    correct: attempt.correct ?? 0,
    total: attempt.total ?? 0,
    passMark: test.passMark,
    passed: attempt.passed ?? false,
    finishedAt: attempt.finishedAt!.toISOString(),
    expiresAt: attempt.expiresAt?.toISOString() ?? null,
    wrong: wrong.sort((x, y) => x.position - y.position),
    answersShown: test.showAnswers,
    next,
  };
}

/** Scores and closes an open attempt from the answers recorded on it; an item not answered counts as wrong. */
async function close(db: Db, labelerId: string, open: Awaited<ReturnType<typeof requireOpenAttempt>>) {
  const { attempt, test, items } = open;
  const given = new Map((attempt.answers ?? []).map((a) => [a.itemId, a.answers]));
  const score = scoreAttempt(test, items, given);
  const finished = await finishAttempt(db, { attemptId: attempt.id, ...score, validDays: test.validDays });
  if (!finished) throw new DomainError("already_finished", "This attempt is finished.");
  return attemptResult(test, items, finished, await eligibilityFor(db, test, labelerId));
}

/**
 * Records the answer to one item of the labeler's open attempt (`null`: skipped, which counts as wrong); once every
 * item is answered the attempt is finished and its result returned.
 */
export async function answerQualificationItem(
  db: Db,
  params: { attemptId: number; labelerId: string; itemId: number; answers: Record<string, unknown> | null },
): Promise<AttemptResult | null> {
  const open = await requireOpenAttempt(db, params);
  const item = open.items.find((i) => i.id === params.itemId);
  if (!item) throw new NotFoundError("test item");
  const answers = params.answers ? storedAnswers(open.test, item, params.answers) : {};
  const correct = itemCorrect(open.test.questions, item.answers, answers, item.content.responses.length);
  if (!(await recordAttemptAnswer(db, { attemptId: open.attempt.id, answer: { itemId: item.id, answers, correct } })))
    throw new DomainError("already_finished", "This attempt is finished.");
  const done = new Set([...(open.attempt.answers ?? []).map((a) => a.itemId), item.id]);
  if (!open.items.every((i) => done.has(i.id))) return null;
  return close(db, params.labelerId, await requireOpenAttempt(db, params));
}

/**
 * Finishes the labeler's open attempt, with answers by item id (screen terms) added to those already recorded;
 * items left unanswered count as wrong.
 */
export async function finishQualificationAttempt(
  db: Db,
  params: { attemptId: number; labelerId: string; answers: Record<string, Record<string, unknown>> },
): Promise<AttemptResult> {
  const open = await requireOpenAttempt(db, params);
  const byId = new Map(open.items.map((i) => [String(i.id), i]));
  const unknown = Object.keys(params.answers).find((id) => !byId.has(id));
  if (unknown) throw new DomainError("invalid_answer", `answers.${unknown}: this test has no item ${unknown}`);
  const recorded = new Map((open.attempt.answers ?? []).map((a) => [a.itemId, a.answers]));
  for (const [id, screen] of Object.entries(params.answers)) {
    const item = byId.get(id)!;
    recorded.set(item.id, storedAnswers(open.test, item, screen));
  }
  const answers = [...recorded].map(([itemId, a]) => ({ itemId, answers: a, correct: false }));
  return close(db, params.labelerId, { ...open, attempt: { ...open.attempt, answers } });
}

/** The labeler's latest finished attempt's result, if any. */
export async function latestResult(db: Db, test: QualificationTest, labelerId: string): Promise<AttemptResult | null> {
  const attempts = await listAttempts(db, { testId: test.id, labelerId });
  const last = attempts.filter((a) => a.finishedAt).at(-1);
  if (!last) return null;
  const items = await listQualificationItems(db, test.id);
  return attemptResult(test, items, last, attemptEligibility(test, attempts, new Date()));
}
