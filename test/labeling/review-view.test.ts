import { describe, expect, it } from "vitest";
import type { ReviewAnswerRow } from "../../db/queries/reviews.ts";
import type { Question } from "../../db/schema/index.ts";
import { itemExcerpt, reviewAnswerView } from "../../labeling/review-view.ts";

const base: ReviewAnswerRow = {
  labelId: 1,
  itemId: 1,
  externalId: "x",
  content: { kind: "pairwise", prompt: "p", responseA: "first", responseB: "second" },
  labelerId: "l",
  value: "b",
  answers: null,
  strength: 3,
  rationale: null,
  swapped: true,
  responseOrder: null,
  timeSpentMs: 1000,
  inputSignals: null,
  reviewStatus: "pending",
  effectiveStatus: "pending",
  reviewable: true,
  reviewedAt: null,
  rejectionReason: null,
  reviewNote: null,
  paid: false,
  createdAt: new Date(),
  dueAt: new Date(),
  appeal: null,
};

describe("an answer as a reviewer reads it", () => {
  it("a pair: in the item's own A/B, with the strength and the swapped screen order", () => {
    const view = reviewAnswerView(base, null);
    expect(view.item.responses).toEqual([
      { slot: "A", text: "first" },
      { slot: "B", text: "second" },
    ]);
    expect(view.answers).toEqual([{ question: "Preference", words: "B is better (strength 3 of 3)" }]);
    expect(view.shownOrder).toBe("B, A");
    expect(reviewAnswerView({ ...base, swapped: false, value: "tie", strength: null }, null)).toMatchObject({
      answers: [{ question: "Preference", words: "a tie" }],
      shownOrder: null,
    });
  });

  it("a form: each question in words in item terms, the screen order, and a text pasted in whole", () => {
    const questions = [
      { name: "better", type: "preference", title: "Which is better?", required: true },
      { name: "why", type: "text", title: "Why?", required: true, maxLength: 5000 },
    ] as Question[];
    const text = "This is a long explanation that came from elsewhere.";
    const view = reviewAnswerView(
      {
        ...base,
        content: { kind: "form", prompt: "q", responses: [{ text: "r0", model: "m" }, { text: "r1" }, { text: "r2" }] },
        value: "form",
        answers: { better: { choice: "a", strength: 2 }, why: text },
        responseOrder: [2, 0, 1],
        inputSignals: {
          why: { pastes: 1, pastedChars: text.length, typedChars: 0, typingMs: 300 },
        },
      },
      questions,
    );
    expect(view.item).toEqual({
      prompt: "q",
      responses: [
        { slot: "A", text: "r0" },
        { slot: "B", text: "r1" },
        { slot: "C", text: "r2" },
      ],
    });
    expect(view.answers).toEqual([
      { question: "Which is better?", words: "A is better (strength 2 of 3)" },
      { question: "Why?", words: text },
    ]);
    expect(view.shownOrder).toBe("C, A, B");
    expect(view.signals).toEqual([
      {
        field: "why",
        title: "Why?",
        pastes: 1,
        pastedChars: text.length,
        typedChars: 0,
        typingMs: 300,
        pastedWhole: true,
      },
    ]);
  });

  it("a short excerpt of the item for the labeler's list", () => {
    expect(itemExcerpt({ kind: "label", text: "  some\n text " })).toBe("some text");
    expect(itemExcerpt({ kind: "rating", prompt: "x".repeat(200), response: "r" }, 10)).toBe(`${"x".repeat(9)}…`);
    expect(
      itemExcerpt({
        kind: "form",
        messages: [
          { role: "user", content: "hi" },
          { role: "assistant", content: "yo" },
        ],
        responses: [],
      }),
    ).toBe("yo");
  });
});
