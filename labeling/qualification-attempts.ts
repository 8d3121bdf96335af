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
import { bonusHeadroom, getAttemptBonus, payQualificationAttempt, type Bonus } from "../db/queries/bonuses.ts";
import { getProject } from "../db/queries/projects.ts";
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

/** What a paid test pays for an attempt, and whether this one was paid (null: the test is unpaid). */
export interface AttemptReward {
  amount: bigint;
  paid: boolean;
  /** Why it was not paid, in words for the labeler; null when paid. */
  why: string | null;
}

const UNPAID_NO_PROJECT =
  "This attempt was not taken for a project, so it is unpaid: a paid test pays when taken from a project that requires it.";
const UNPAID_NO_FUNDS =
  "The project's funds could not cover this test's pay, so this attempt is finished but unpaid. Your result counts all the same.";
const UNPAID_NOT_REQUIRED = "The project this attempt was taken for does not require this test, so it is unpaid.";

/**
 * Whether the attempt's project may pay for it: a project of the test's owner that requires the test (the only
 * projects a test is taken for, checked again here as the money moves).
 */
async function payingProject(db: Db, test: QualificationTest, projectId: string | null) {
  if (!projectId) return null;
  const project = await getProject(db, projectId);
  if (!project || project.ownerId !== test.ownerId) return null;
  const { tests } = await getProjectRequirements(db, projectId);
  return tests.some((t) => t.id === test.id) ? project : null;
}

/**
 * Pays a finished attempt of a paid test, in the transaction that finished it: a bonus (kind qualification_test,
 * once per attempt) from the funds of the project it was taken for, when they can cover it; unpaid otherwise.
 */
async function payAttempt(
  tx: Db,
  test: QualificationTest,
  attempt: QualificationAttempt,
): Promise<AttemptReward | null> {
  const amount = test.rewardPerAttempt;
  if (amount <= 0n) return null;
  if (!attempt.projectId) return { amount, paid: false, why: UNPAID_NO_PROJECT };
  const project = await payingProject(tx, test, attempt.projectId);
  if (!project) return { amount, paid: false, why: UNPAID_NOT_REQUIRED };
  const payment = await payQualificationAttempt(tx, {
    attemptId: attempt.id,
    projectId: project.id,
    labelerId: attempt.labelerId,
    amount,
    reason: `Qualification test: ${test.title}`,
  });
  return payment.paid
    ? { amount: payment.bonus.amount, paid: true, why: null }
    : { amount, paid: false, why: UNPAID_NO_FUNDS };
}

/** A finished attempt's reward as it stands: the bonus that paid it, or why none did. */
function rewardOf(test: QualificationTest, attempt: QualificationAttempt, bonus: Bonus | null): AttemptReward | null {
  if (bonus) return { amount: bonus.amount, paid: true, why: null };
  if (test.rewardPerAttempt <= 0n) return null;
  return { amount: test.rewardPerAttempt, paid: false, why: attempt.projectId ? UNPAID_NO_FUNDS : UNPAID_NO_PROJECT };
}

/** What a paid test offers before an attempt starts for `projectId`: whether that project can pay it now. */
export interface PayOffer {
  amount: bigint;
  /** The project can cover it now (it may still run short by the time the attempt finishes). */
  payable: boolean;
  why: string | null;
}

export async function attemptPayOffer(
  db: Db,
  test: QualificationTest,
  projectId: string | null,
): Promise<PayOffer | null> {
  const amount = test.rewardPerAttempt;
  if (amount <= 0n) return null;
  const project = await payingProject(db, test, projectId);
  if (!project)
    return {
      amount,
      payable: false,
      why: projectId
        ? "That project does not require this test, so an attempt taken for it would be unpaid."
        : "Paid only when taken from a project that requires it (from your project list).",
    };
  const headroom = await bonusHeadroom(db, project.id);
  return (headroom?.available ?? 0n) >= amount
    ? { amount, payable: true, why: null }
    : {
        amount,
        payable: false,
        why: "This project's funds cannot cover the test's pay now: an attempt would be unpaid (its result counts all the same).",
      };
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
  /** A paid test's pay for this attempt; null for an unpaid test. */
  reward: AttemptReward | null;
}

/** A finished attempt's result for the labeler who took it. */
export function attemptResult(
  test: QualificationTest,
  items: readonly QualificationItem[],
  attempt: QualificationAttempt,
  next: Eligibility,
  reward: AttemptReward | null = null,
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
    reward,
  };
}

/** Scores and closes an open attempt from the answers recorded on it; an item not answered counts as wrong. */
async function close(db: Db, labelerId: string, open: Awaited<ReturnType<typeof requireOpenAttempt>>) {
  const { attempt, test, items } = open;
  const given = new Map((attempt.answers ?? []).map((a) => [a.itemId, a.answers]));
  const score = scoreAttempt(test, items, given);
  // Finishing and paying are one transaction: an attempt is finished once, and so paid once.
  const { finished, reward } = await db.transaction(async (tx) => {
    const done = await finishAttempt(tx, { attemptId: attempt.id, ...score, validDays: test.validDays });
    if (!done) throw new DomainError("already_finished", "This attempt is finished.");
    return { finished: done, reward: await payAttempt(tx, test, done) };
  });
  return attemptResult(test, items, finished, await eligibilityFor(db, test, labelerId), reward);
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
  const [items, bonus] = await Promise.all([listQualificationItems(db, test.id), getAttemptBonus(db, last.id)]);
  return attemptResult(test, items, last, attemptEligibility(test, attempts, new Date()), rewardOf(test, last, bonus));
}
