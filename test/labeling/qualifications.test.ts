import { describe, expect, it } from "vitest";
import type { FormAnswers, Question } from "../../db/schema/index.ts";
import {
  attemptEligibility,
  describeAnswer,
  itemCorrect,
  matchesKnown,
  passes,
  scoreAttempt,
} from "../../labeling/qualifications.ts";

const preference: Question = { name: "better", title: "Which is better?", type: "preference", required: true };
const ranking: Question = { name: "rank", title: "Rank", type: "ranking", required: true };
const stars: Question = {
  name: "stars",
  title: "Stars",
  type: "rating",
  min: 1,
  max: 5,
  per: "response",
  required: true,
};
const topic: Question = {
  name: "topic",
  title: "Topic",
  type: "label",
  categories: ["code", "math", "chat"],
  multiple: false,
  per: "item",
  required: true,
};
const note: Question = { name: "note", title: "Note", type: "text", maxLength: 100, required: false };

describe("matching a known answer", () => {
  it("a preference matches on its choice, whatever the strength", () => {
    expect(matchesKnown(preference, { choice: "a", strength: 3 }, { choice: "a" }, 2)).toBe(true);
    expect(matchesKnown(preference, { choice: "tie" }, { choice: "a" }, 2)).toBe(false);
    expect(matchesKnown(preference, undefined, { choice: "a" }, 2)).toBe(false);
  });

  it("a ranking matches when it reverses no pair the known ranking orders", () => {
    expect(matchesKnown(ranking, [[1], [0], [2]], [[1], [0, 2]], 3)).toBe(true);
    expect(matchesKnown(ranking, [[0], [1], [2]], [[1], [0, 2]], 3)).toBe(false);
  });

  it("a per-response rating must match every response the known answer rates, answered", () => {
    expect(matchesKnown(stars, [5, 2], [5, null], 2)).toBe(true);
    expect(matchesKnown(stars, [null, 2], [5, null], 2)).toBe(false);
    expect(matchesKnown(stars, [4, 2], [5, 2], 2)).toBe(false);
  });

  it("an item is right when every marked question matches; text and unmarked questions do not count", () => {
    const questions = [preference, topic, note];
    expect(itemCorrect(questions, { better: { choice: "b" } }, { better: { choice: "b" }, topic: "math" }, 2)).toBe(
      true,
    );
    expect(
      itemCorrect(questions, { better: { choice: "b" }, topic: "code" }, { better: { choice: "b" }, topic: "math" }, 2),
    ).toBe(false);
  });
});

describe("scoring an attempt", () => {
  const test = { questions: [preference], passMark: 0.8 };
  const items = [1, 2, 3, 4, 5].map((id) => ({
    id,
    content: { responses: [{}, {}] },
    answers: { better: { choice: "a" as const } } as FormAnswers,
  }));

  it("passes at exactly the pass mark, counted in whole items", () => {
    expect(passes(4, 5, 0.8)).toBe(true);
    expect(passes(3, 5, 0.8)).toBe(false);
    expect(passes(7, 10, 0.7)).toBe(true);
    expect(passes(0, 0, 0.5)).toBe(false);
  });

  it("counts unanswered items as wrong", () => {
    const given = new Map<number, FormAnswers>([1, 2, 3, 4].map((id) => [id, { better: { choice: "a" } }]));
    const r = scoreAttempt(test, items, given);
    expect(r).toMatchObject({ correct: 4, total: 5, passed: true });
    expect(r.answers.find((a) => a.itemId === 5)).toEqual({ itemId: 5, answers: {}, correct: false });
    given.set(4, { better: { choice: "b" } });
    expect(scoreAttempt(test, items, given)).toMatchObject({ correct: 3, passed: false });
  });
});

describe("whether another attempt may start", () => {
  const test = { maxAttempts: 2, retryAfterHours: 24 };
  const now = new Date("2026-12-01T12:00:00Z");
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  const failed = (id: number, h: number) => ({
    id,
    startedAt: hoursAgo(h + 1),
    finishedAt: hoursAgo(h),
    passed: false,
    expiresAt: null,
  });

  it("a first attempt may start; an open one is resumed", () => {
    expect(attemptEligibility(test, [], now)).toEqual({ kind: "may_start", attemptsLeft: 2 });
    const open = { id: 7, startedAt: hoursAgo(1), finishedAt: null, passed: null, expiresAt: null };
    expect(attemptEligibility(test, [open], now)).toEqual({ kind: "in_progress", attemptId: 7 });
  });

  it("after a failure the labeler waits retryAfterHours, then may try again until the attempts are used", () => {
    expect(attemptEligibility(test, [failed(1, 2)], now)).toEqual({
      kind: "wait",
      until: new Date(hoursAgo(2).getTime() + 24 * 3_600_000),
      attemptsLeft: 1,
    });
    expect(attemptEligibility(test, [failed(1, 25)], now)).toEqual({ kind: "may_start", attemptsLeft: 1 });
    expect(attemptEligibility(test, [failed(1, 50), failed(2, 25)], now)).toEqual({ kind: "no_attempts_left" });
    expect(attemptEligibility({ ...test, retryAfterHours: 0 }, [failed(1, 0)], now).kind).toBe("may_start");
  });

  it("a valid pass needs no attempt; an expired one starts the count again", () => {
    const passed = (expiresAt: Date | null) => ({ ...failed(3, 30), passed: true, expiresAt });
    expect(attemptEligibility(test, [failed(1, 50), passed(null)], now)).toEqual({ kind: "passed", expiresAt: null });
    expect(attemptEligibility(test, [failed(1, 50), passed(hoursAgo(1))], now)).toEqual({
      kind: "may_start",
      attemptsLeft: 2,
    });
  });
});

describe("answers in words", () => {
  it("names responses by their slot, in the item's own order", () => {
    expect(describeAnswer(preference, { choice: "b" })).toBe("B is better");
    expect(describeAnswer(preference, { choice: "both_bad" })).toBe("both bad");
    expect(describeAnswer(ranking, [[1], [0, 2]])).toBe("B > A = C");
    expect(describeAnswer(stars, [5, null])).toBe("A: 5");
    expect(describeAnswer(topic, "math")).toBe("math");
    expect(describeAnswer(topic, undefined)).toBe("no answer");
  });
});
