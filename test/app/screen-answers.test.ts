// The labeling page's answers in screen terms: ranking by keys and drag and drop, the rewrite that starts from the
// best response, what blocks sending, and the payload the server maps back to the item's own order.
import { describe, expect, it } from "vitest";
import {
  answersPayload,
  bestSlot,
  digitForPoint,
  moveInRanking,
  placeNext,
  pointForDigit,
  questionProblem,
  textShown,
  tieWithPrevious,
  undoPlacement,
  type RankingAnswer,
} from "~/components/labeling/screen-answers.ts";
import { questionsSchema, type Question } from "../../db/schema/index.ts";
import { toStoredFormAnswers } from "../../labeling/form-answers.ts";

const form = (questions: unknown[]) => questionsSchema.parse(questions);
const [ranking, helpfulness, rewrite, topics, preference, scale] = [
  ...form([
    { type: "ranking", name: "ranking", title: "Rank" },
    { type: "rating", name: "helpfulness", title: "Helpful", min: 1, max: 5, per: "response" },
    { type: "text", name: "rewrite", title: "Rewrite", prefill: "best" },
    { type: "label", name: "topics", title: "Topics", categories: ["a", "b", "c"], multiple: true, required: false },
  ]),
  ...form([
    { type: "preference", name: "preference", title: "Better" },
    { type: "rating", name: "scale", title: "Scale", min: -3, max: 3 },
  ]),
] as Question[];
const responses = [
  { slot: "A", text: "alpha" },
  { slot: "B", text: "beta" },
  { slot: "C", text: "gamma" },
];
const slots = responses.map((r) => r.slot);

describe("ranking from the keyboard", () => {
  it("places responses at the next rank, ties the last with the one above, and takes placements back", () => {
    let r: RankingAnswer = [];
    r = placeNext(r, "B");
    r = placeNext(r, "A");
    r = placeNext(r, "A"); // already placed: stays
    expect(r).toEqual([["B"], ["A"]]);
    r = tieWithPrevious(r);
    expect(r).toEqual([["B", "A"]]);
    expect(tieWithPrevious(r)).toEqual(r); // nothing above the top rank
    r = placeNext(r, "C");
    expect(r).toEqual([["B", "A"], ["C"]]);
    r = undoPlacement(r);
    expect(r).toEqual([["B", "A"]]);
    r = undoPlacement(r);
    expect(r).toEqual([["B"]]);
    expect(undoPlacement(undoPlacement(r))).toEqual([]);
  });
});

describe("ranking by drag and drop", () => {
  const start: RankingAnswer = [["A"], ["B", "C"]];
  it.each([
    ["onto a rank: a tie", "A", { join: 1 }, [["B", "C", "A"]]],
    ["between ranks: a new rank there", "C", { before: 0 }, [["C"], ["A"], ["B"]]],
    ["after the last rank", "A", { before: 2 }, [["B", "C"], ["A"]]],
    ["back to the unranked ones", "B", "unranked", [["A"], ["C"]]],
    [
      "an unranked response into a rank",
      "D",
      { join: 0 },
      [
        ["A", "D"],
        ["B", "C"],
      ],
    ],
    ["onto its own lone rank: no change", "A", { join: 0 }, start],
    ["just before its own lone rank: no change", "A", { before: 0 }, start],
  ] as const)("moves a response %s", (_name, slot, drop, expected) => {
    expect(moveInRanking(start, slot, drop as never)).toEqual(expected);
  });
});

describe("number keys on a scale", () => {
  it("press the digit itself on a 0–9 scale, the n-th point otherwise", () => {
    expect(pointForDigit(helpfulness as never, 4)).toBe(4);
    expect(pointForDigit(helpfulness as never, 0)).toBeUndefined();
    expect(pointForDigit(helpfulness as never, 6)).toBeUndefined();
    expect(pointForDigit(scale as never, 1)).toBe(-3);
    expect(pointForDigit(scale as never, 7)).toBe(3);
    expect(pointForDigit(scale as never, 8)).toBeUndefined();
    expect(digitForPoint(scale as never, 0)).toBe("4");
    expect(digitForPoint(helpfulness as never, 5)).toBe("5");
  });
});

describe("the rewrite that starts from the best response", () => {
  const questions = [ranking, rewrite];
  it("is empty until the best is decided, then the best response's text, until the labeler writes", () => {
    expect(textShown(rewrite as never, {}, questions, responses)).toBe("");
    const ranked = { ranking: [["C"]] };
    expect(bestSlot(questions, ranked)).toBe("C");
    expect(textShown(rewrite as never, ranked, questions, responses)).toBe("gamma");
    expect(textShown(rewrite as never, { ...ranked, rewrite: "my own" }, questions, responses)).toBe("my own");
    expect(textShown(rewrite as never, { ...ranked, rewrite: "" }, questions, responses)).toBe("");
  });

  it("follows a preference: the chosen response, nothing on a tie", () => {
    const pair = [preference, rewrite];
    expect(textShown(rewrite as never, { preference: { choice: "B" } }, pair, responses)).toBe("beta");
    expect(textShown(rewrite as never, { preference: { choice: "tie" } }, pair, responses)).toBe("");
  });
});

describe("what blocks sending", () => {
  it.each([
    [ranking, undefined, "Rank every response (A, B, C left)."],
    [ranking, [["B"]], "Rank every response (A, C left)."],
    [ranking, [["B", "A"], ["C"]], null],
    [helpfulness, { A: 3 }, "Rate every response (B, C left)."],
    [helpfulness, { A: 3, B: 1, C: 5 }, null],
    [rewrite, "  ", "Write an answer."],
    [topics, undefined, null],
    [preference, undefined, "Choose one of the answers."],
    [scale, -3, null],
  ] as const)("%#: %j", (q, value, problem) => {
    expect(questionProblem(q as Question, value as never, slots)).toBe(problem);
  });

  it("an optional ranking half done", () => {
    const optional = { ...ranking, required: false } as Question;
    expect(questionProblem(optional, [["A"]], slots)).toBe("Rank every response, or none (B, C left).");
    expect(questionProblem(optional, [], slots)).toBeNull();
  });
});

describe("the posted answers", () => {
  const questions = [ranking, helpfulness, rewrite, topics];

  it("are in screen terms, leave out unanswered optional questions, and carry the rewrite as shown", () => {
    const answers = { ranking: [["C"], ["A", "B"]], helpfulness: { A: 2, B: 3, C: 5 } };
    expect(answersPayload(questions, answers, responses)).toEqual({
      ranking: ["C", ["A", "B"]],
      helpfulness: { A: 2, B: 3, C: 5 },
      rewrite: "gamma",
    });
  });

  it("map back, through the server, to the item's own response order", () => {
    // The screen showed the item's responses 2, 0, 1 as A, B, C.
    const order = [2, 0, 1];
    const answers = { ranking: [["C"], ["A", "B"]], helpfulness: { A: 2, B: 3, C: 5 }, topics: ["b", "a"] };
    const stored = toStoredFormAnswers(questions, order, answersPayload(questions, answers, responses));
    expect(stored).toEqual({
      ranking: [[1], [0, 2]],
      helpfulness: [3, 5, 2],
      rewrite: "gamma",
      topics: ["a", "b"],
    });
  });
});
