import { describe, expect, it } from "vitest";
import {
  questionsSchema,
  type FormAnswers,
  type QuestionConsensus,
  type RankingValue,
} from "../../../db/schema/index.ts";
import { aggregatePairs } from "../../../reward/consensus/algorithms/index.ts";
import { formConsensus, type FormConsensus } from "../../../reward/consensus/form-run.ts";
import { matchesKnownAnswer } from "../../../db/schema/questions.ts";
import { consensusAnswer, screenKey } from "../../../reward/consensus/form-screen.ts";
import { FORM_QUESTIONS, simulateForm, type SimulatedForm } from "../../support/form-crowds.ts";

const CROWD = {
  items: 120,
  coverage: 0.45,
  goldFraction: 0.1,
  groups: [
    { kind: "good" as const, count: 8 },
    { kind: "adversary" as const, count: 2 },
    { kind: "clicker" as const, count: 2 },
  ],
};

function resultsOf(c: FormConsensus, question: string) {
  return new Map(c.questions.filter((q) => q.question === question).map((q) => [q.itemId, q]));
}

/** Share of the items (not gold) where `right` holds for the question's consensus. */
function accuracy(
  c: FormConsensus,
  sim: SimulatedForm,
  question: string,
  right: (r: QuestionConsensus, itemId: number) => number,
) {
  const scored = [...resultsOf(c, question)].filter(([itemId]) => !sim.gold.has(itemId));
  return scored.reduce((s, [itemId, q]) => s + right(q.result, itemId), 0) / scored.length;
}

describe("form consensus on a simulated crowd with known truth", () => {
  const sim = simulateForm(CROWD, 11);
  const c = formConsensus(FORM_QUESTIONS, sim.answers, sim.gold);

  it("gets every question right far more often than not", () => {
    expect(c.skipped).toEqual([]);
    const pairsRight = (r: QuestionConsensus, itemId: number) => {
      const y = sim.truth.get(itemId)!.scores;
      const { scores } = r as Extract<QuestionConsensus, { type: "ranking" }>;
      const pairs = [
        [0, 1],
        [0, 2],
        [1, 2],
      ];
      return pairs.filter(([i, j]) => (scores[i] - scores[j]) * (y[i] - y[j]) > 0).length / pairs.length;
    };
    expect(accuracy(c, sim, "rank", pairsRight)).toBeGreaterThan(0.85);
    const helpful = (r: QuestionConsensus, itemId: number) => {
      const { values } = r as Extract<QuestionConsensus, { type: "rating" }>;
      return values.filter((v, k) => v.value === sim.truth.get(itemId)!.helpful[k]).length / values.length;
    };
    const helpfulMean = (r: QuestionConsensus, itemId: number) => {
      const { values } = r as Extract<QuestionConsensus, { type: "rating" }>;
      return values.filter((v, k) => Math.round(v.mean) === sim.truth.get(itemId)!.helpful[k]).length / values.length;
    };
    expect(accuracy(c, sim, "helpful", helpful)).toBeGreaterThan(0.75);
    expect(accuracy(c, sim, "helpful", helpful)).toBeGreaterThan(accuracy(c, sim, "helpful", helpfulMean) + 0.1);
    const topic = (r: QuestionConsensus, itemId: number) =>
      Number((r as Extract<QuestionConsensus, { type: "label" }>).values[0].label === sim.truth.get(itemId)!.topic);
    expect(accuracy(c, sim, "topic", topic)).toBeGreaterThan(0.9);
    const issues = (r: QuestionConsensus, itemId: number) => {
      const { values } = r as Extract<QuestionConsensus, { type: "label" }>;
      return values.filter((v, k) => same(v.label, sim.truth.get(itemId)!.issues[k])).length / values.length;
    };
    expect(accuracy(c, sim, "issues", issues)).toBeGreaterThan(0.85);
  });

  it("gives each item one result per question but text, and a confidence that is their mean", () => {
    const items = new Set(sim.answers.map((a) => a.itemId));
    expect(c.items.map((i) => i.itemId)).toEqual([...items].sort((x, y) => x - y));
    expect(new Set(c.questions.map((q) => q.question))).toEqual(new Set(["rank", "helpful", "topic", "issues"]));
    for (const item of c.items) {
      const own = c.questions.filter((q) => q.itemId === item.itemId);
      expect(Object.keys(item.detail).sort()).toEqual(["helpful", "issues", "rank", "topic"]);
      expect(item.confidence).toBeCloseTo(own.reduce((s, q) => s + q.confidence, 0) / own.length, 12);
      expect(item.answers).toBe(sim.answers.filter((a) => a.itemId === item.itemId).length);
    }
    for (const q of c.questions) {
      if (q.result.type === "rating" || q.result.type === "label")
        expect(q.result.values).toHaveLength(q.question === "topic" ? 1 : 3);
      if (q.result.type === "label" && q.question === "issues")
        for (const v of q.result.values) {
          expect(Object.keys(v.probability)).toEqual(["wrong", "rude", "long"]);
          expect(v.label).toEqual(Object.keys(v.probability).filter((k) => v.probability[k] > 0.5));
        }
    }
  });

  it("combines each labeler's questions into one quality that pays the careful and flags the rest", () => {
    const goldShare = { careful: [] as number[], other: [] as number[] };
    for (const l of c.labelers) {
      const qs = Object.values(l.questions);
      const n = qs.reduce((s, q) => s + q.answers, 0);
      expect(l.quality).toBeCloseTo(qs.reduce((s, q) => s + q.answers * q.quality, 0) / n, 12);
      expect(l.agreement).toBeCloseTo(qs.reduce((s, q) => s + q.answers * q.agreement, 0) / n, 12);
      expect(new Set(l.flags)).toEqual(new Set(qs.flatMap((q) => q.flags)));
      expect(l.answers).toBe(sim.answers.filter((a) => a.labelerId === l.labelerId).length);
      expect(l.leftShare).toBe(l.questions.rank.leftShare);
      const kind = sim.kind.get(l.labelerId);
      if (kind === "good") {
        expect(l.quality).toBeGreaterThan(0.65);
        expect(l.flags).toEqual([]);
      } else {
        expect(l.quality).toBeLessThan(0.05);
        expect(l.flags).toContain(kind === "adversary" ? "adversarial" : "constant");
      }
      goldShare[kind === "good" ? "careful" : "other"].push(l.goldCorrect / l.goldAnswered);
    }
    expect(Math.min(...goldShare.careful)).toBeGreaterThan(Math.max(...goldShare.other));
    // Gold counts each question with gold the labeler answered on a gold item.
    const l = c.labelers[0];
    const onGold = sim.answers.filter((a) => a.labelerId === l.labelerId && sim.gold.has(a.itemId)).length;
    expect(l.goldAnswered).toBe(onGold * 4);
  });

  it("pins gold items to their gold answers", () => {
    const rank = resultsOf(c, "rank");
    for (const [itemId, g] of sim.gold) {
      const r = rank.get(itemId)!.result as Extract<QuestionConsensus, { type: "ranking" }>;
      expect(r.order.map((x) => [x])).toEqual(g.rank);
    }
  });
});

describe("form consensus is equivariant", () => {
  const sim = simulateForm({ ...CROWD, items: 40 }, 3);
  const base = formConsensus(FORM_QUESTIONS, sim.answers, sim.gold);
  // Response k of every item becomes response pi[k].
  const pi = [2, 0, 1];
  const moveAnswers = (a: FormAnswers): FormAnswers => {
    const perResponse = <T>(list: T[]) => {
      const out = new Array<T>(list.length);
      list.forEach((x, k) => (out[pi[k]] = x));
      return out;
    };
    return {
      ...a,
      rank: (a.rank as RankingValue).map((g) => g.map((r) => pi[r]).sort()),
      helpful: perResponse(a.helpful as number[]),
      issues: perResponse(a.issues as string[][]),
    };
  };

  it("relabelling the responses permutes every per-response result and changes nothing else", () => {
    const moved = formConsensus(
      FORM_QUESTIONS,
      sim.answers.map((a) => ({
        ...a,
        responseOrder: a.responseOrder!.map((r) => pi[r]),
        answers: moveAnswers(a.answers),
      })),
      new Map([...sim.gold].map(([itemId, g]) => [itemId, moveAnswers(g)])),
    );
    const after = new Map(moved.questions.map((q) => [`${q.itemId}/${q.question}`, q]));
    for (const q of base.questions) {
      const u = after.get(`${q.itemId}/${q.question}`)!;
      expect(u.confidence).toBeCloseTo(q.confidence, 9);
      if (q.result.type === "ranking" && u.result.type === "ranking") {
        const { scores } = u.result;
        q.result.scores.forEach((s, k) => expect(scores[pi[k]]).toBeCloseTo(s, 9));
      }
      if ((q.result.type === "rating" || q.result.type === "label") && u.result.type === q.result.type) {
        const values = u.result.values;
        if (q.question === "topic") expect(values).toEqual(q.result.values);
        else q.result.values.forEach((v, k) => expect(values[pi[k]].confidence).toBeCloseTo(v.confidence, 9));
      }
    }
    const quality = new Map(moved.labelers.map((l) => [l.labelerId, l]));
    for (const l of base.labelers) {
      expect(quality.get(l.labelerId)!.quality).toBeCloseTo(l.quality, 9);
      expect(quality.get(l.labelerId)!.flags).toEqual(l.flags);
    }
  });

  it("renaming labelers and reordering the answers renames the labelers and changes nothing else", () => {
    const rename = (id: string) => `labeler-${id.split("").reverse().join("")}`;
    const shuffled = sim.answers
      .map((a, i) => ({ a: { ...a, labelerId: rename(a.labelerId) }, key: (i * 7919) % sim.answers.length }))
      .sort((x, y) => x.key - y.key)
      .map((x) => x.a);
    const moved = formConsensus(FORM_QUESTIONS, shuffled, sim.gold);
    expect(moved.items).toHaveLength(base.items.length);
    const after = new Map(moved.questions.map((q) => [`${q.itemId}/${q.question}`, q]));
    for (const q of base.questions)
      expect(after.get(`${q.itemId}/${q.question}`)!.confidence).toBeCloseTo(q.confidence, 9);
    const quality = new Map(moved.labelers.map((l) => [l.labelerId, l]));
    for (const l of base.labelers) {
      const m = quality.get(rename(l.labelerId))!;
      expect(m.quality).toBeCloseTo(l.quality, 9);
      expect(m.goldCorrect).toBe(l.goldCorrect);
    }
  });
});

describe("form consensus, other shapes", () => {
  const preferenceForm = questionsSchema.parse([{ name: "better", title: "Which is better?", type: "preference" }]);

  it("runs a preference question down the pairwise path: the same pA and labeler quality", () => {
    const choices = ["a", "a", "b", "tie", "a", "both_bad", "b", "b", "a"];
    const answers = choices.map((choice, i) => ({
      labelerId: `w${i % 3}`,
      itemId: 1 + Math.floor(i / 3),
      responses: 2,
      responseOrder: i % 2 ? [1, 0] : [0, 1],
      answers: { better: { choice } } as FormAnswers,
    }));
    const c = formConsensus(preferenceForm, answers);
    const pairs = aggregatePairs(
      answers.map((a) => {
        const { choice } = a.answers.better as { choice: string };
        const [left, right] = a.responseOrder;
        const winner = choice === "a" ? 0 : choice === "b" ? 1 : -1;
        const label = winner < 0 ? "tie" : winner === left ? "left" : "right";
        return { worker: a.labelerId, left: `${a.itemId}:${left}`, right: `${a.itemId}:${right}`, label } as const;
      }),
    );
    const score = new Map(pairs.items.map((i) => [i.item, i.score]));
    for (const q of c.questions) {
      if (q.result.type !== "preference") throw new Error("expected a preference");
      const pA = 1 / (1 + Math.exp(-(score.get(`${q.itemId}:0`)! - score.get(`${q.itemId}:1`)!)));
      expect(q.result.pA).toBeCloseTo(pA, 12);
      expect(q.result.label).toBe(pA > 0.5 ? "a" : "b");
      expect(q.confidence).toBeCloseTo(Math.max(pA, 1 - pA), 12);
    }
    expect(c.questions[0].result).toMatchObject({ votes: { a: 2, b: 1 } });
    expect(c.questions[1].result).toMatchObject({ votes: { tie: 1, a: 1, both_bad: 1 } });
    const quality = new Map(pairs.workers.map((w) => [w.worker, w.quality]));
    for (const l of c.labelers) expect(l.quality).toBeCloseTo(quality.get(l.labelerId)!, 12);
  });

  it("skips a question nobody's answers overlap on, names why, and still scores the others", () => {
    const form = questionsSchema.parse([
      { name: "topic", title: "Topic", type: "label", categories: ["x", "y"] },
      { name: "note", title: "Note", type: "rating", min: 1, max: 3, required: false },
    ]);
    const answers = [1, 2, 3].flatMap((itemId) =>
      ["w1", "w2"].map((labelerId) => ({
        labelerId,
        itemId,
        responses: 0,
        responseOrder: [],
        answers: (labelerId === "w1" && itemId < 3 ? { topic: "x", note: itemId } : { topic: "x" }) as FormAnswers,
      })),
    );
    const c = formConsensus(form, answers);
    expect(c.skipped).toEqual([{ question: "note", reason: expect.stringMatching(/only one answer/) }]);
    expect(c.questions.map((q) => q.question)).toEqual(["topic", "topic", "topic"]);
    expect(c.labelers.map((l) => Object.keys(l.questions))).toEqual([["topic"], ["topic"]]);
  });

  it("gives a response nobody rated the question's mean, with no confidence", () => {
    const form = questionsSchema.parse([
      { name: "score", title: "Score", type: "rating", min: 1, max: 5, per: "response", required: false },
    ]);
    const answers = ["w1", "w2", "w3"].map((labelerId, i) => ({
      labelerId,
      itemId: 1,
      responses: 2,
      responseOrder: [0, 1],
      answers: { score: [[4, 5, 4][i], null] } as FormAnswers,
    }));
    const [q] = formConsensus(form, answers).questions;
    if (q.result.type !== "rating") throw new Error("expected a rating");
    expect(q.result.values[0]).toMatchObject({ value: 4, mean: 13 / 3, scores: [0, 0, 0, 2, 1] });
    expect(q.result.values[1]).toEqual({
      value: 4,
      estimate: 13 / 3,
      mean: 13 / 3,
      confidence: 0,
      scores: [0, 0, 0, 0, 0],
    });
    expect(q.confidence).toBeCloseTo(q.result.values[0].confidence / 2, 12);
  });
});

describe("gold matching and screen keys", () => {
  const [rank, helpful, topic, issues] = FORM_QUESTIONS;

  it("counts a ranking right when it reverses no pair the gold orders (ties are allowed)", () => {
    expect(matchesKnownAnswer(rank, [[0], [1, 2]], [[0], [1], [2]], 3)).toBe(true);
    expect(matchesKnownAnswer(rank, [[1], [0], [2]], [[0], [1], [2]], 3)).toBe(false);
    expect(matchesKnownAnswer(helpful, [4, null, 2], [4, 3, 2], 3)).toBe(true);
    expect(matchesKnownAnswer(helpful, [4, 3, 1], [4, 3, 2], 3)).toBe(false);
    expect(matchesKnownAnswer(topic, "code", "math", 3)).toBe(false);
    expect(matchesKnownAnswer(issues, [["wrong"], [], null], [["wrong"], [], ["rude"]], 3)).toBe(true);
    // A qualification test marks every response its known answer names: one left unanswered is wrong.
    const strict = { everyResponse: true };
    expect(matchesKnownAnswer(helpful, [4, null, 2], [4, 3, 2], 3, strict)).toBe(false);
    expect(matchesKnownAnswer(helpful, [4, 1, 2], [4, null, 2], 3, strict)).toBe(true);
  });

  it("names responses by screen slot, so an answer by screen position repeats whatever the items say", () => {
    const clicker = (order: number[]): FormAnswers => ({
      rank: order.map((r) => [r]),
      // The response shown k-th gets k + 1 points.
      helpful: [0, 1, 2].map((r) => order.indexOf(r) + 1),
      topic: "code",
      issues: order.map(() => []),
      why: "fast",
    });
    const a = screenKey(FORM_QUESTIONS, clicker([2, 0, 1]), [2, 0, 1]);
    expect(a).toBe("rank=A>B>C;helpful=1,2,3;topic=code;issues=,,");
    expect(screenKey(FORM_QUESTIONS, clicker([1, 2, 0]), [1, 2, 0])).toBe(a);
    expect(screenKey(FORM_QUESTIONS, { rank: [[0, 2], [1]] }, [2, 0, 1])).toBe("rank=A=B>C");
  });

  it("turns an item's consensus back into an answer in the item's terms", () => {
    const results = new Map<string, QuestionConsensus>([
      ["rank", { type: "ranking", order: [2, 0, 1], scores: [0, -1, 1], adjacent: [0.7, 0.7] }],
      ["topic", { type: "label", values: [{ label: "math", confidence: 0.9, probability: {} }] }],
      [
        "helpful",
        {
          type: "rating",
          values: [4, 2, 5].map((value) => ({ value, estimate: value, mean: value, confidence: 1, scores: [] })),
        },
      ],
    ]);
    expect(consensusAnswer(FORM_QUESTIONS, results)).toEqual({
      rank: [[2], [0], [1]],
      helpful: [4, 2, 5],
      topic: "math",
    });
  });
});

const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
