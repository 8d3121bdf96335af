import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aggregatePairs,
  aggregateRankings,
  bradleyTerry,
  ConsensusInputError,
  goldRankingScores,
  indexPairs,
  PairIndexer,
  type RankingAnswer,
} from "../../../reward/consensus/algorithms/index.ts";
import { bestFirst, simulateRankings, type SimulatedRankings } from "../../support/ranking-crowds.ts";

/** Share of response pairs the scores order as the truth does (a tie counts half). */
function pairAccuracy(scores: Map<string, number[]>, sim: SimulatedRankings, skip = new Set<string>()): number {
  let right = 0;
  let n = 0;
  for (const [task, s] of scores) {
    if (skip.has(task)) continue;
    const y = sim.truth.get(task)!;
    for (let i = 0; i < y.length; i++)
      for (let j = i + 1; j < y.length; j++) {
        n++;
        const agree = (s[i] - s[j]) * (y[i] - y[j]);
        right += agree > 0 ? 1 : agree === 0 ? 0.5 : 0;
      }
  }
  return right / n;
}

/** The baseline: Borda count, each response scored by minus its mean position (ties share their positions). */
function borda(answers: readonly RankingAnswer[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const a of answers) {
    const s = out.get(a.task) ?? new Array<number>(a.shown.length).fill(0);
    let position = 0;
    for (const g of a.ranking) {
      for (const r of g) s[r] -= position + (g.length - 1) / 2;
      position += g.length;
    }
    out.set(a.task, s);
  }
  return out;
}

const MIXED = {
  tasks: 200,
  responses: 4,
  answersPerTask: 5,
  tieMargin: 0.1,
  groups: [
    { kind: "good" as const, count: 10 },
    { kind: "random" as const, count: 4 },
    { kind: "adversary" as const, count: 4 },
    { kind: "position-biased" as const, count: 3 },
    { kind: "constant" as const, count: 2 },
  ],
};

describe("ranking consensus on simulated crowds with known truth", () => {
  it.each([1, 2, 3])("beats the Borda count and flags who is not ranking honestly (seed %i)", (seed) => {
    const sim = simulateRankings(MIXED, seed);
    const r = aggregateRankings(sim.answers);
    const fitted = pairAccuracy(new Map(r.tasks.map((t) => [t.task, t.scores])), sim);
    const baseline = pairAccuracy(borda(sim.answers), sim);
    expect(fitted).toBeGreaterThan(0.85);
    expect(fitted - baseline).toBeGreaterThan(0.1);
    for (const w of r.workers) {
      const kind = sim.kind.get(w.worker)!;
      if (kind === "good") {
        expect(w.quality).toBeGreaterThan(0.55);
        expect(w.flags).toEqual([]);
      }
      if (kind === "adversary") {
        expect(w.quality).toBe(0);
        expect(w.flags).toEqual(["adversarial"]);
      }
      if (kind === "constant") expect(w.flags).toEqual(["constant"]);
      if (kind === "position-biased") {
        expect(w.flags).toContain("position-bias");
        expect(w.positionBias).toBeGreaterThan(1);
      }
      if (kind === "random") expect(w.quality).toBeLessThan(0.3);
    }
  });

  it("recovers a mostly adversarial crowd once gold shows who reverses the order", () => {
    const spec = {
      tasks: 200,
      responses: 3,
      answersPerTask: 5,
      goldFraction: 0.15,
      groups: [
        { kind: "good" as const, count: 4 },
        { kind: "adversary" as const, count: 6 },
      ],
    };
    const sim = simulateRankings(spec, 4);
    const gold = new Set(sim.gold.keys());
    const scores = (r: ReturnType<typeof aggregateRankings>) => new Map(r.tasks.map((t) => [t.task, t.scores]));
    const without = pairAccuracy(scores(aggregateRankings(sim.answers)), sim, gold);
    const withGold = aggregateRankings(sim.answers, { gold: sim.gold });
    expect(without).toBeLessThan(0.3);
    expect(pairAccuracy(scores(withGold), sim, gold)).toBeGreaterThan(0.85);
    for (const t of withGold.tasks) if (gold.has(t.task)) expect(t.order).toEqual(bestFirst(sim.truth.get(t.task)!));
  });

  it("reports the order, the scores and a confidence per adjacent pair", () => {
    const answers: RankingAnswer[] = ["w1", "w2", "w3"].map((worker, i) => ({
      task: "x",
      worker,
      shown: [
        [0, 1, 2],
        [2, 1, 0],
        [1, 2, 0],
      ][i],
      ranking: [[2], [0], [1]],
    }));
    const [t] = aggregateRankings(answers).tasks;
    expect(t.order).toEqual([2, 0, 1]);
    expect(t.scores[2]).toBeGreaterThan(t.scores[0]);
    expect(t.scores[0]).toBeGreaterThan(t.scores[1]);
    t.adjacent.forEach((p, i) => {
      expect(p).toBeCloseTo(1 / (1 + Math.exp(-(t.scores[t.order[i]] - t.scores[t.order[i + 1]]))), 12);
      expect(p).toBeGreaterThan(0.5);
    });
    expect(t.answers).toBe(3);
  });

  it("treats a ranking of two as the pairwise path does: same scores and labeler quality", () => {
    const sim = simulateRankings({ ...MIXED, responses: 2 }, 9);
    const r = aggregateRankings(sim.answers);
    const pairs = aggregatePairs(
      sim.answers.map((a) => {
        const [left, right] = a.shown;
        const tie = a.ranking.length === 1;
        const leftWins = a.ranking[0][0] === left;
        return {
          worker: a.worker,
          left: `${a.task}:${left}`,
          right: `${a.task}:${right}`,
          label: tie ? ("tie" as const) : leftWins ? ("left" as const) : ("right" as const),
        };
      }),
    );
    const score = new Map(pairs.items.map((i) => [i.item, i.score]));
    for (const t of r.tasks) t.scores.forEach((s, k) => expect(s).toBe(score.get(`${t.task}:${k}`)));
    const quality = new Map(pairs.workers.map((w) => [w.worker, w.quality]));
    for (const w of r.workers) expect(w.quality).toBe(quality.get(w.worker));
  });

  it("pins gold rankings: neighbouring groups GOLD_MARGIN apart, a tie shares a score", () => {
    expect([...goldRankingScores([[1], [0]])].sort()).toEqual([
      [0, -2],
      [1, 2],
    ]);
    expect(goldRankingScores([[0, 2], [1]])).toEqual(
      new Map([
        [0, 2],
        [2, 2],
        [1, -2],
      ]),
    );
    expect(goldRankingScores([[2], [0], [1]])).toEqual(
      new Map([
        [2, 4],
        [0, 0],
        [1, -4],
      ]),
    );
  });

  it("refuses rankings that leave a shown response out or change a task's size", () => {
    const a = { task: "x", worker: "w", shown: [0, 1, 2], ranking: [[0], [1]] };
    expect(() => aggregateRankings([a])).toThrow(ConsensusInputError);
    expect(() => aggregateRankings([a])).toThrow(/ranking 1: every shown response must be ranked/);
    const b = { task: "x", worker: "v", shown: [0, 1], ranking: [[0], [1]] };
    expect(() => aggregateRankings([{ ...a, ranking: [[0, 1, 2]] }, b])).toThrow(
      /ranking 2: task "x" was ranked with 3 responses before/,
    );
  });
});

describe("weighted pairs", () => {
  it("fits an answer of weight 2 exactly as the same answer given twice", () => {
    const rows = [
      ["w1", "a", "b", "left"],
      ["w1", "b", "c", "tie"],
      ["w2", "c", "a", "right"],
      ["w2", "a", "c", "left"],
      ["w3", "b", "a", "left"],
    ] as const;
    const weighted = new PairIndexer();
    const doubled = new PairIndexer();
    rows.forEach(([w, l, r, label], i) => {
      weighted.add(w, l, r, label, i === 0 ? 2 : 1);
      doubled.add(w, l, r, label);
      if (i === 0) doubled.add(w, l, r, label);
    });
    const x = bradleyTerry(weighted.finish());
    const y = bradleyTerry(doubled.finish());
    x.scores.forEach((s, i) => expect(s).toBeCloseTo(y.scores[i], 10));
    x.reliability.forEach((s, i) => expect(s).toBeCloseTo(y.reliability[i], 10));
    x.positionBias.forEach((s, i) => expect(s).toBeCloseTo(y.positionBias[i], 10));
  });

  it("leaves the matrix unweighted when every weight is 1, and refuses a weight that is not positive", () => {
    const p = new PairIndexer();
    p.add("w", "a", "b", "left", 1);
    expect(p.finish().weight).toBeUndefined();
    expect(indexPairs([{ worker: "w", left: "a", right: "b", label: "left" }]).weight).toBeUndefined();
    expect(() => new PairIndexer().add("w", "a", "b", "left", 0)).toThrow(/answer 1: weight must be a positive/);
  });

  it("gives a ranking of m responses the weight of m − 1 comparisons, whatever m", () => {
    // One labeler ranks a 4-response task and another a 2-response task; the long ranking's weights sum to 3.
    const r = aggregateRankings([
      { task: "long", worker: "w", shown: [0, 1, 2, 3], ranking: [[0], [1], [2], [3]] },
      { task: "short", worker: "v", shown: [0, 1], ranking: [[1], [0]] },
      { task: "short", worker: "w", shown: [1, 0], ranking: [[1], [0]] },
    ]);
    const byWorker = new Map(r.workers.map((w) => [w.worker, w]));
    expect(byWorker.get("w")!.answers).toBeCloseTo(3 + 1, 12);
    expect(byWorker.get("v")!.answers).toBeCloseTo(1, 12);
  });
});

describe("ranking consensus is equivariant", () => {
  const rankings = fc
    .array(
      fc.record({
        task: fc.integer({ min: 0, max: 3 }),
        worker: fc.integer({ min: 0, max: 3 }),
        shownKeys: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
        groupOf: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
      }),
      { minLength: 2, maxLength: 24 },
    )
    .map((rows) =>
      rows.map((r): RankingAnswer => {
        const shown = [0, 1, 2].sort((a, b) => r.shownKeys[a] - r.shownKeys[b] || a - b);
        const used = [...new Set(r.groupOf)].sort();
        return {
          task: `t${r.task}`,
          worker: `w${r.worker}`,
          shown,
          ranking: used.map((g) => [0, 1, 2].filter((k) => r.groupOf[k] === g)),
        };
      }),
    );
  const permutation = (n: number) =>
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) =>
      keys
        .map((k, i) => [k, i] as const)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1])
        .map(([, i]) => i),
    );

  it("relabelling responses permutes the scores; renaming labelers and shuffling rows changes nothing else", () => {
    fc.assert(
      fc.property(rankings, permutation(3), permutation(4), permutation(24), (rows, pi, workerPerm, order) => {
        const worker = (w: string) => `labeler-${workerPerm[Number(w.slice(1))]}`;
        const moved = order
          .filter((i) => i < rows.length)
          .map((i) => rows[i])
          .map((a) => ({
            task: a.task,
            worker: worker(a.worker),
            shown: a.shown.map((r) => pi[r]),
            ranking: a.ranking.map((g) => g.map((r) => pi[r]).sort()),
          }));
        const x = aggregateRankings(rows);
        const y = aggregateRankings(moved);
        const yTasks = new Map(y.tasks.map((t) => [t.task, t]));
        for (const t of x.tasks) {
          const u = yTasks.get(t.task)!;
          t.scores.forEach((s, r) => expect(Math.abs(u.scores[pi[r]] - s)).toBeLessThan(1e-9));
        }
        const yWorkers = new Map(y.workers.map((w) => [w.worker, w]));
        for (const w of x.workers) {
          const v = yWorkers.get(worker(w.worker))!;
          expect(Math.abs(v.quality - w.quality)).toBeLessThan(1e-9);
          expect(Math.abs(v.positionBias - w.positionBias)).toBeLessThan(1e-9);
          expect(v.flags).toEqual(w.flags);
        }
      }),
      { numRuns: 60 },
    );
  });
});
