import { describe, expect, it } from "vitest";
import { questionsSchema } from "../../db/schema/index.ts";
import { AnswerError } from "../../labeling/answers.ts";
import { slotAt, toScreenFormAnswers, toStoredFormAnswers } from "../../labeling/form-answers.ts";
import { toTaskView } from "../../labeling/task-view.ts";

const form = questionsSchema.parse([
  { name: "rank", type: "ranking", title: "Order the replies" },
  { name: "helpful", type: "rating", title: "Helpfulness", min: 0, max: 4, per: "response" },
  { name: "topic", type: "label", title: "Topic", categories: ["code", "chat", "math"], multiple: true },
  { name: "safe", type: "label", title: "Safe?", categories: ["yes", "no"], per: "response", required: false },
  { name: "rewrite", type: "text", title: "Improve the best reply", prefill: "best", required: false },
]);

/** Every order of n responses, as on-screen orders (screen position → item index). */
function orders(n: number): number[][] {
  if (n === 1) return [[0]];
  return orders(n - 1).flatMap((o) => Array.from({ length: n }, (_, at) => [...o.slice(0, at), n - 1, ...o.slice(at)]));
}

describe("form answers in screen terms map back to the item's own response order", () => {
  it("gives the same stored answer for the same judgement, whatever order the responses were shown in", () => {
    // The labeler's judgement in item terms: response 2 best, 0 and 1 tied behind; helpfulness 4, 1, 2.
    const helpful = [4, 1, 2];
    for (const order of orders(3)) {
      const slotOf = (index: number) => slotAt(order.indexOf(index));
      const stored = toStoredFormAnswers(form, order, {
        rank: [slotOf(2), [slotOf(1), slotOf(0)]],
        helpful: Object.fromEntries(helpful.map((h, index) => [slotOf(index), h])),
        topic: ["math", "code"],
        rewrite: "better",
      });
      expect(stored).toEqual({ rank: [[2], [0, 1]], helpful: [4, 1, 2], topic: ["code", "math"], rewrite: "better" });
    }
  });

  it("shows the responses in the assignment's order, named by slot, without the order or model names", () => {
    const task = {
      assignmentId: 3,
      itemId: 1,
      projectId: "p",
      expiresAt: new Date(),
      swapped: false,
      responseOrder: [2, 0, 1],
      content: {
        kind: "form" as const,
        messages: [{ role: "user", content: "hi" }],
        responses: [{ text: "zero", model: "m0" }, { text: "one" }, { text: "two", model: "m2" }],
      },
    };
    const view = toTaskView(task, form);
    expect(view).toEqual({
      kind: "form",
      assignmentId: 3,
      messages: [{ role: "user", content: "hi" }],
      questions: form,
      responses: [
        { slot: "A", text: "two" },
        { slot: "B", text: "zero" },
        { slot: "C", text: "one" },
      ],
    });
    expect(JSON.stringify(view)).not.toMatch(/m0|m2|responseOrder/);
  });

  it("maps a preference's slots, left/right and strength back through the order", () => {
    const pref = questionsSchema.parse([{ name: "better", type: "preference", title: "Which is better?" }]);
    expect(toStoredFormAnswers(pref, [1, 0], { better: { choice: "A", strength: 3 } })).toEqual({
      better: { choice: "b", strength: 3 },
    });
    expect(toStoredFormAnswers(pref, [1, 0], { better: "right" })).toEqual({ better: { choice: "a" } });
    expect(toStoredFormAnswers(pref, [0, 1], { better: { choice: "tie", strength: 2 } })).toEqual({
      better: { choice: "tie" },
    });
  });

  it.each([
    [{ rank: ["A", "B"], helpful: { A: 1, B: 1, C: 1 }, topic: ["code"] }, /rank: expected groups .* all 3 responses/],
    [{ rank: ["A", "B", "B"], helpful: { A: 1, B: 1, C: 1 }, topic: ["code"] }, /rank: expected/],
    [{ rank: ["A", "B", "D"], helpful: { A: 1, B: 1, C: 1 }, topic: ["code"] }, /rank: expected a response slot/],
    [{ rank: ["A", "B", "C"], helpful: { A: 1, B: 5, C: 1 }, topic: ["code"] }, /helpful: expected an integer from 0/],
    [{ rank: ["A", "B", "C"], helpful: { A: 1, C: 1 }, topic: ["code"] }, /helpful: answer "Helpfulness" for every/],
    [{ rank: ["A", "B", "C"], helpful: [1, 1, 1], topic: ["code"] }, /helpful: expected an object keyed by response/],
    [{ rank: ["A", "B", "C"], helpful: { A: 1, B: 1, C: 1 }, topic: "code" }, /topic: expected a list of categories/],
    [{ rank: ["A", "B", "C"], helpful: { A: 1, B: 1, C: 1 }, topic: ["art"] }, /topic: expected one of "code"/],
    [{ rank: ["A", "B", "C"], helpful: { A: 1, B: 1, C: 1 } }, /topic: "Topic" is required/],
    [{ rank: ["A", "B", "C"], helpful: { A: 1, B: 1, C: 1 }, topic: ["code"], tone: 1 }, /no question "tone"/],
    [
      { rank: ["A", "B", "C"], helpful: { A: 1, B: 1, C: 1 }, topic: ["code"], rewrite: "x".repeat(5001) },
      /rewrite: expected a text of at most 5000/,
    ],
  ])("refuses %j with a message naming the question", (answers, message) => {
    expect(() => toStoredFormAnswers(form, [0, 1, 2], answers)).toThrow(AnswerError);
    expect(() => toStoredFormAnswers(form, [0, 1, 2], answers)).toThrow(message);
  });

  it("leaves optional questions out when they are not answered", () => {
    const stored = toStoredFormAnswers(form, [0, 1, 2], {
      rank: ["A", "B", "C"],
      helpful: { A: 0, B: 0, C: 0 },
      topic: [],
      safe: { A: "yes" },
      rewrite: "",
    });
    expect(stored).toEqual({ rank: [[0], [1], [2]], helpful: [0, 0, 0], topic: [], safe: ["yes", null, null] });
  });

  it("gives stored answers back in screen terms (an undo refills the form as it was), for every order", () => {
    const pref = questionsSchema.parse([
      { name: "better", type: "preference", title: "Which is better?" },
      { name: "why", type: "text", title: "Why?", required: false },
    ]);
    for (const order of [
      [0, 1],
      [1, 0],
    ]) {
      const screen = { better: { choice: "A", strength: 2 }, why: "clearer" };
      expect(toScreenFormAnswers(pref, order, toStoredFormAnswers(pref, order, screen))).toEqual(screen);
    }
    for (const order of orders(3)) {
      const screen = {
        rank: [["B"], ["A", "C"]],
        helpful: { A: 3, B: 0, C: 4 },
        topic: ["chat"],
        safe: { C: "no" },
      };
      const back = toScreenFormAnswers(form, order, toStoredFormAnswers(form, order, screen));
      expect({ ...back, rank: (back.rank as string[][]).map((g) => [...g].sort()) }).toEqual(screen);
    }
  });
});
