import type { z } from "zod";
import {
  getProjectRequirements,
  listOwnedQualificationTests,
  type QualificationItem,
  type QualificationTest,
  type TestSettings,
} from "../../db/queries/qualifications.ts";
import { formProblems, type Question } from "../../db/schema/questions.ts";
import type { AttemptResult, StartedAttempt } from "../../labeling/qualification-attempts.ts";
import { testItemView } from "../../labeling/qualification-attempts.ts";
import type { Eligibility } from "../../labeling/qualifications.ts";
import { limits } from "./amount-limits.server.ts";
import { db } from "./db.server.ts";
import { qualificationTestSchema } from "./schemas.ts";
import type { TokenDisplay } from "./tokens.ts";

export interface FieldIssue {
  field: string;
  message: string;
}

/**
 * A test's settings from a form's fields or a JSON body: the schema's problems, then every problem of the questions
 * with its path (as for a project's form). The reward per attempt is base units in a JSON body, tokens as typed in a
 * form (`token` given); at most the bonus limit either way.
 */
export function parseTestSettings(
  input: unknown,
  token?: TokenDisplay,
): { ok: true; settings: TestSettings } | { ok: false; problems: FieldIssue[] } {
  const parsed = qualificationTestSchema(limits.bonus, token).safeParse(input);
  if (!parsed.success) return { ok: false, problems: issues(parsed.error) };
  const problems = formProblems(parsed.data.questions);
  if (problems.length)
    return {
      ok: false,
      problems: problems.map((p) => ({ field: ["questions", ...p.path].join("."), message: p.message })),
    };
  return { ok: true, settings: { ...parsed.data, questions: parsed.data.questions as Question[] } };
}

export function issues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ field: i.path.join("."), message: i.message }));
}

/** A test as its owner reads it (the reward per attempt in base units, as a decimal string). */
export function testJson(test: QualificationTest, items: number) {
  return {
    id: test.id,
    title: test.title,
    instructions: test.instructions,
    questions: test.questions,
    passMark: test.passMark,
    maxAttempts: test.maxAttempts,
    retryAfterHours: test.retryAfterHours,
    validDays: test.validDays,
    showAnswers: test.showAnswers,
    rewardPerAttempt: test.rewardPerAttempt.toString(),
    items,
    createdAt: test.createdAt.toISOString(),
  };
}

/** An item as the labeler taking the test sees it: no known answers, no explanation. */
export function testItemJson(test: QualificationTest, item: QualificationItem) {
  const { assignmentId, kind: _kind, questions: _questions, ...view } = testItemView(test, item);
  return { id: assignmentId, position: item.position, ...view };
}

export function eligibilityJson(e: Eligibility) {
  if (e.kind === "passed") return { kind: e.kind, expiresAt: e.expiresAt?.toISOString() ?? null };
  if (e.kind === "wait") return { kind: e.kind, until: e.until.toISOString(), attemptsLeft: e.attemptsLeft };
  return e;
}

export function startedJson(started: StartedAttempt) {
  const { attempt, test, items, answered } = started;
  return {
    attempt: { id: attempt.id, testId: test.id, startedAt: attempt.startedAt.toISOString(), answered },
    test: {
      id: test.id,
      title: test.title,
      instructions: test.instructions,
      questions: test.questions,
      passMark: test.passMark,
      rewardPerAttempt: test.rewardPerAttempt.toString(),
    },
    items: items.map((item) => testItemJson(test, item)),
  };
}

export function resultJson(result: AttemptResult) {
  const { reward } = result;
  return {
    ...result,
    next: eligibilityJson(result.next),
    reward: reward && { amount: reward.amount.toString(), paid: reward.paid, why: reward.why },
  };
}

/**
 * Problems as a form shows them: by field name, the questions' as FormBuilder reads them (`questions[0].title`),
 * anything about no field under "".
 */
export function builderErrors(problems: FieldIssue[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of problems) {
    const key = p.field.replace(/^questions\.(\d+)/, "questions[$1]");
    (out[key] ??= []).push(p.message);
  }
  return out;
}

/** The dashboard's "Who may label" card: the owner's tests, those the project requires, the minimum prior quality. */
export async function loadWhoMayLabel(project: { id: string; ownerId: string }) {
  const [tests, required] = await Promise.all([
    listOwnedQualificationTests(db, project.ownerId),
    getProjectRequirements(db, project.id),
  ]);
  return {
    tests: tests.map(({ test, items }) => ({ id: test.id, title: test.title, items })),
    required: required.tests.map((t) => t.id),
    minPriorQuality: required.minPriorQuality,
    visibility: required.visibility,
    labelers: required.labelers,
  };
}
