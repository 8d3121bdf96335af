/**
 * The rules of qualification tests, pure: whether an answer matches an item's known answer, an attempt's score, and
 * whether a labeler may start another attempt.
 */
import {
  matchesKnownAnswer,
  type AttemptAnswer,
  type FormAnswers,
  type PreferenceValue,
  type Question,
  type RankingValue,
  type StoredValue,
} from "../db/schema/index.ts";

/**
 * Whether a labeler's answer to one question matches the known one (both in item terms), as gold is compared in
 * consensus, but stricter where a test needs it: a response the known answer rates or labels must be answered too.
 */
export function matchesKnown(q: Question, given: StoredValue | undefined, known: StoredValue, responses: number) {
  return given !== undefined && matchesKnownAnswer(q, given, known, responses, { everyResponse: true });
}

/** Whether an item is right: every question its known answers name is matched (text questions are not marked). */
export function itemCorrect(
  questions: readonly Question[],
  known: FormAnswers,
  given: FormAnswers,
  responses: number,
): boolean {
  return questions.every(
    (q) => q.type === "text" || !(q.name in known) || matchesKnown(q, given[q.name], known[q.name], responses),
  );
}

export interface ScoredItem {
  id: number;
  content: { responses: unknown[] };
  answers: FormAnswers;
}

/** Whether `correct` of `total` reaches the pass mark (a share, 0–1). */
export function passes(correct: number, total: number, passMark: number): boolean {
  // Compared in whole items so that 0.8 of 5 is 4 right, whatever floating point makes of 4 / 5.
  return total > 0 && correct >= Math.ceil(passMark * total - 1e-9);
}

/** Scores an attempt: every item of the test counts, an unanswered one as wrong. */
export function scoreAttempt(
  test: { questions: readonly Question[]; passMark: number },
  items: readonly ScoredItem[],
  given: ReadonlyMap<number, FormAnswers>,
): { answers: AttemptAnswer[]; correct: number; total: number; passed: boolean } {
  const answers = items.map((item) => {
    const mine = given.get(item.id);
    const correct = mine ? itemCorrect(test.questions, item.answers, mine, item.content.responses.length) : false;
    return { itemId: item.id, answers: mine ?? {}, correct };
  });
  const correct = answers.filter((a) => a.correct).length;
  return { answers, correct, total: items.length, passed: passes(correct, items.length, test.passMark) };
}

export interface AttemptFacts {
  id: number;
  startedAt: Date;
  finishedAt: Date | null;
  passed: boolean | null;
  expiresAt: Date | null;
}

export type Eligibility =
  | { kind: "in_progress"; attemptId: number }
  | { kind: "passed"; expiresAt: Date | null }
  | { kind: "may_start"; attemptsLeft: number }
  | { kind: "wait"; until: Date; attemptsLeft: number }
  | { kind: "no_attempts_left" };

/**
 * Whether the labeler may start an attempt now. A valid pass needs none; an expired pass starts the count again
 * (a labeler renews a pass with `maxAttempts` tries); after a failure they wait `retryAfterHours`.
 */
export function attemptEligibility(
  test: { maxAttempts: number; retryAfterHours: number },
  attempts: readonly AttemptFacts[],
  now: Date,
): Eligibility {
  const open = attempts.find((a) => a.finishedAt === null);
  if (open) return { kind: "in_progress", attemptId: open.id };
  const finished = attempts
    .filter((a) => a.finishedAt !== null)
    .sort((a, b) => a.finishedAt!.getTime() - b.finishedAt!.getTime());
  const valid = finished.find((a) => a.passed && (a.expiresAt === null || a.expiresAt > now));
  if (valid) return { kind: "passed", expiresAt: valid.expiresAt };
  const lastPass = finished.map((a) => a.passed).lastIndexOf(true);
  const failures = finished.slice(lastPass + 1);
  const attemptsLeft = test.maxAttempts - failures.length;
  if (attemptsLeft <= 0) return { kind: "no_attempts_left" };
  const last = failures.at(-1);
  if (last) {
    const until = new Date(last.finishedAt!.getTime() + test.retryAfterHours * 3_600_000);
    if (until > now) return { kind: "wait", until, attemptsLeft };
  }
  return { kind: "may_start", attemptsLeft };
}

const PREFERENCE_WORDS: Record<string, string> = { tie: "a tie", both_bad: "both bad" };

/** One answer in words, in screen terms (response slots A, B, … in the item's own order, as tests show them). */
export function describeAnswer(q: Question, value: StoredValue | undefined): string {
  if (value === undefined) return "no answer";
  const slot = (i: number) => String.fromCharCode(65 + i);
  const perResponse = (values: unknown[]) =>
    values
      .map((v, i) => (v === null ? null : `${slot(i)}: ${Array.isArray(v) ? v.join(", ") : String(v)}`))
      .filter((x) => x !== null)
      .join("; ") || "no answer";
  switch (q.type) {
    case "preference": {
      const { choice } = value as PreferenceValue;
      return PREFERENCE_WORDS[choice] ?? `${slot(choice === "a" ? 0 : 1)} is better`;
    }
    case "ranking":
      return (value as RankingValue).map((g) => g.map(slot).join(" = ")).join(" > ");
    case "rating":
    case "label":
      if (q.per === "response") return perResponse(value as unknown[]);
      return Array.isArray(value) ? value.join(", ") || "none" : String(value);
    case "text":
      return String(value);
  }
}
