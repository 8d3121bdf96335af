import { describe, expect, it } from "vitest";
import {
  aggregatePairs,
  bradleyTerry,
  ConsensusInputError,
  indexPairs,
  type PairAnswer,
} from "../../../reward/consensus/algorithms/index.ts";
import { Rng } from "../../../trainer/rng.ts";

const PLAIN = { learnReliability: false, learnPositionBias: false, l2: 0, tolerance: 1e-12, maxIterations: 20_000 };

/** (winner, loser) pairs as answers of one labeler, winner on the left or right alternately. */
function wins(pairs: [number, number][], worker = "w"): PairAnswer[] {
  return pairs.map(([a, b], i) =>
    i % 2
      ? { worker, left: `i${a}`, right: `i${b}`, label: "left" }
      : { worker, left: `i${b}`, right: `i${a}`, label: "right" },
  );
}

function fit(answers: PairAnswer[], options = PLAIN) {
  const p = indexPairs(answers);
  const r = bradleyTerry(p, options);
  return { p, r, score: (id: string) => r.scores[p.itemIds.indexOf(id)] };
}

/** Strengths exp(score) scaled to mean 1, the normalisation of choix's test cases. */
function strengths(scores: Float64Array): number[] {
  const e = Array.from(scores, Math.exp);
  const mean = e.reduce((a, b) => a + b) / e.length;
  return e.map((x) => x / mean);
}

describe("Bradley–Terry maximum likelihood (reliability fixed to 1, no position bias)", () => {
  it("matches choix's testcase-pairwise-1: a three-item cycle gives equal strengths", () => {
    const { r } = fit(
      wins([
        [0, 1],
        [1, 2],
        [2, 0],
      ]),
    );
    strengths(r.scores).forEach((s) => expect(s).toBeCloseTo(1, 9));
  });

  it("matches choix's testcase-pairwise-2 to 1e-6", () => {
    const { r } = fit(
      wins([
        [0, 1],
        [0, 1],
        [1, 2],
        [2, 0],
      ]),
    );
    expect(r.converged).toBe(true);
    const expected = [1.43586088, 0.62035049, 0.94378863];
    strengths(r.scores).forEach((s, i) => expect(Math.abs(s - expected[i])).toBeLessThan(1e-6));
  });

  it("gives two items the closed form score difference log(wins / losses), a tie counting half", () => {
    const threeToOne = fit(
      wins([
        [0, 1],
        [0, 1],
        [0, 1],
        [1, 0],
      ]),
    );
    expect(threeToOne.score("i0") - threeToOne.score("i1")).toBeCloseTo(Math.log(3), 9);
    const withTie = fit([
      ...wins([
        [0, 1],
        [0, 1],
        [1, 0],
      ]),
      { worker: "w", left: "i1", right: "i0", label: "tie" },
    ]);
    expect(withTie.score("i0") - withTie.score("i1")).toBeCloseTo(Math.log(2.5 / 1.5), 9);
  });

  it("satisfies the likelihood equations on a random tournament: each item's wins equal its expected wins", () => {
    const rng = new Rng(5);
    const pairs: [number, number][] = [];
    for (let i = 0; i < 12; i++) pairs.push([i, (i + 1) % 12]); // a cycle keeps every item beatable
    for (let n = 0; n < 150; n++) {
      const a = rng.int(12);
      const b = (a + 1 + rng.int(11)) % 12;
      pairs.push(rng.next() < 1 / (1 + Math.exp(b - a)) ? [a, b] : [b, a]);
    }
    const { p, r } = fit(wins(pairs));
    const won = new Float64Array(12);
    const expected = new Float64Array(12);
    for (let e = 0; e < p.left.length; e++) {
      const pLeft = 1 / (1 + Math.exp(r.scores[p.right[e]] - r.scores[p.left[e]]));
      won[p.left[e]] += p.choice[e];
      won[p.right[e]] += 1 - p.choice[e];
      expected[p.left[e]] += pLeft;
      expected[p.right[e]] += 1 - pLeft;
    }
    for (let i = 0; i < 12; i++) expect(Math.abs(won[i] - expected[i])).toBeLessThan(1e-6);
  });

  it("with an L2 prior, solves wins − expected wins − l2·score = 0 and keeps perfect separation finite", () => {
    const l2 = 0.5;
    const { r, score } = fit(
      wins([
        [0, 1],
        [0, 1],
        [0, 1],
      ]),
      { ...PLAIN, l2 },
    );
    const x = score("i0");
    expect(score("i1")).toBeCloseTo(-x, 12);
    // 3 wins, 3 comparisons: 3 − 3σ(2x) − l2·x = 0
    expect(3 - 3 / (1 + Math.exp(-2 * x)) - l2 * x).toBeCloseTo(0, 9);
    expect(Number.isFinite(x) && x > 0).toBe(true);
    expect(r.converged).toBe(true);
  });

  it("keeps disconnected groups finite and ordered within each group", () => {
    const { score } = fit(
      wins([
        [0, 1],
        [0, 1],
        [1, 0],
        [2, 3],
        [2, 3],
        [2, 3],
        [3, 2],
      ]),
      { ...PLAIN, l2: 0.01 },
    );
    for (const i of ["i0", "i1", "i2", "i3"]) expect(Number.isFinite(score(i))).toBe(true);
    expect(score("i0")).toBeGreaterThan(score("i1"));
    expect(score("i2")).toBeGreaterThan(score("i3"));
  });
});

describe("Crowd-BT: reliability and position bias", () => {
  it("learns that a labeler flips every answer and keeps the ranking of the honest ones", () => {
    const rng = new Rng(9);
    const answers: PairAnswer[] = [];
    for (let n = 0; n < 3000; n++) {
      const a = rng.int(10);
      const b = (a + 1 + rng.int(9)) % 10;
      const leftWins = rng.next() < 1 / (1 + Math.exp((b - a) * 0.6));
      const worker = `w${n % 5}`;
      const honest = worker !== "w4";
      answers.push({ worker, left: `i${a}`, right: `i${b}`, label: leftWins === honest ? "left" : "right" });
    }
    const r = aggregatePairs(answers);
    const byScore = [...r.items].sort((x, y) => y.score - x.score).map((i) => i.item);
    expect(byScore).toEqual(["i9", "i8", "i7", "i6", "i5", "i4", "i3", "i2", "i1", "i0"]);
    const flipper = r.workers.find((w) => w.worker === "w4")!;
    expect(flipper.reliability).toBeLessThan(0.1);
    expect(flipper.flags).toContain("adversarial");
    expect(flipper.quality).toBe(0);
    for (const w of r.workers.filter((w) => w.worker !== "w4")) {
      expect(w.reliability).toBeGreaterThan(0.9);
      expect(w.flags).toEqual([]);
    }
  });

  it("estimates a labeler's pull towards the left item", () => {
    const rng = new Rng(4);
    const answers: PairAnswer[] = [];
    for (let n = 0; n < 4000; n++) {
      const a = rng.int(20);
      const b = (a + 1 + rng.int(19)) % 20;
      const worker = `w${n % 4}`;
      const bias = worker === "w0" ? 1.5 : 0;
      const left = rng.next() < 1 / (1 + Math.exp(-((a - b) * 0.3 + bias)));
      answers.push({ worker, left: `i${a}`, right: `i${b}`, label: left ? "left" : "right" });
    }
    const r = aggregatePairs(answers);
    const biased = r.workers.find((w) => w.worker === "w0")!;
    expect(biased.positionBias).toBeGreaterThan(1);
    expect(biased.flags).toContain("position-bias");
    for (const w of r.workers.filter((w) => w.worker !== "w0")) expect(Math.abs(w.positionBias)).toBeLessThan(0.3);
  });

  it("rejects unknown labels and self-comparisons", () => {
    expect(() => aggregatePairs([{ worker: "w", left: "a", right: "b", label: "up" as "left" }])).toThrow(
      ConsensusInputError,
    );
    expect(() => aggregatePairs([{ worker: "w", left: "a", right: "a", label: "left" }])).toThrow(
      /compared with itself/,
    );
  });
});
