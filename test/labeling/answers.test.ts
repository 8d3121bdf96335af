import { describe, expect, it } from "vitest";
import { AnswerError, toStoredAnswer } from "../../labeling/answers.ts";
import { toTaskView } from "../../labeling/task-view.ts";

const pairwise = { taskType: "pairwise" as const, categories: null, ratingMin: null, ratingMax: null };

describe("on-screen answers map back to the item's own terms", () => {
  it("undoes the per-assignment A/B order for pairs", () => {
    expect(toStoredAnswer(pairwise, false, "left")).toBe("a");
    expect(toStoredAnswer(pairwise, false, "right")).toBe("b");
    expect(toStoredAnswer(pairwise, true, "left")).toBe("b");
    expect(toStoredAnswer(pairwise, true, "right")).toBe("a");
    expect(toStoredAnswer(pairwise, true, "tie")).toBe("tie");
    expect(toStoredAnswer(pairwise, true, "both_bad")).toBe("both_bad");
    expect(() => toStoredAnswer(pairwise, false, "a")).toThrow(AnswerError);
  });

  it("keeps ratings on the project's scale and labels within its categories", () => {
    const rating = { taskType: "rating" as const, categories: null, ratingMin: -2, ratingMax: 2 };
    expect(toStoredAnswer(rating, true, "-2")).toBe("-2");
    expect(() => toStoredAnswer(rating, false, "3")).toThrow(/from -2 to 2/);
    expect(() => toStoredAnswer(rating, false, "1.5")).toThrow(AnswerError);
    const label = { taskType: "label" as const, categories: ["spam", "ham"], ratingMin: null, ratingMax: null };
    expect(toStoredAnswer(label, false, "ham")).toBe("ham");
    expect(() => toStoredAnswer(label, false, "eggs")).toThrow(/spam, ham/);
  });

  it("shows B on the left exactly when the assignment is swapped, without revealing the order", () => {
    const task = {
      assignmentId: 7,
      itemId: 1,
      projectId: "p",
      expiresAt: new Date(),
      responseOrder: null,
      content: { kind: "pairwise" as const, prompt: "q", responseA: "first", responseB: "second" },
    };
    expect(toTaskView({ ...task, swapped: false }, null)).toEqual({
      kind: "pairwise",
      assignmentId: 7,
      prompt: "q",
      left: "first",
      right: "second",
    });
    const swapped = toTaskView({ ...task, swapped: true }, null);
    expect(swapped).toMatchObject({ left: "second", right: "first" });
    expect(JSON.stringify(swapped)).not.toMatch(/swapped/);
  });
});
