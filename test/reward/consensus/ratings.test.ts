import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aggregateRatings,
  ConsensusInputError,
  type RatingAggregate,
  type RatingAnswer,
} from "../../../reward/consensus/algorithms/index.ts";
import { simulateRatings, type RatingSpec, type SimulatedRatings } from "../../support/rating-crowds.ts";

const MIXED: RatingSpec = {
  tasks: 300,
  min: 1,
  max: 5,
  answersPerTask: 5,
  groups: [
    { kind: "good", count: 8 },
    { kind: "biased", count: 4, offset: 1 },
    { kind: "biased", count: 2, offset: -1 },
    { kind: "compressed", count: 4 },
    { kind: "random", count: 4 },
    { kind: "adversary", count: 4 },
    { kind: "constant", count: 2 },
  ],
};

/** Root-mean-square error of the model's estimate and of the plain mean, and the share of exact points. */
function errors(r: RatingAggregate, sim: SimulatedRatings) {
  const scored = r.tasks.filter((t) => !t.gold);
  const rmse = (f: (t: (typeof scored)[number]) => number) =>
    Math.sqrt(scored.reduce((s, t) => s + (f(t) - sim.truth.get(t.task)!) ** 2, 0) / scored.length);
  const exact = (f: (t: (typeof scored)[number]) => number) =>
    scored.filter((t) => f(t) === sim.truth.get(t.task)).length / scored.length;
  return {
    model: rmse((t) => t.estimate),
    mean: rmse((t) => t.mean),
    modelExact: exact((t) => t.value),
    meanExact: exact((t) => Math.round(t.mean)),
  };
}

const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("rating consensus on simulated crowds with known truth", () => {
  it.each([1, 2, 3])("beats the plain mean and flags the adversaries (seed %i)", (seed) => {
    const sim = simulateRatings(MIXED, seed);
    const r = aggregateRatings(sim.answers, { min: 1, max: 5 });
    expect(r.converged).toBe(true);
    const e = errors(r, sim);
    expect(e.model).toBeLessThan(0.45);
    expect(e.model).toBeLessThan(0.6 * e.mean);
    expect(e.modelExact).toBeGreaterThan(e.meanExact + 0.3);
    const of = (kind: string) => r.workers.filter((w) => sim.kind.get(w.worker) === kind);
    for (const w of of("good")) {
      expect(w.quality).toBeGreaterThan(0.75);
      expect(w.flags).toEqual([]);
      expect(Math.abs(w.scale - 1)).toBeLessThan(0.2);
    }
    for (const w of of("adversary")) {
      expect(w.quality).toBe(0);
      expect(w.flags).toEqual(["adversarial"]);
      expect(w.scale).toBeLessThan(-0.5);
    }
    for (const w of of("constant")) expect(w.flags).toEqual(["constant"]);
    expect(average(of("random").map((w) => w.quality))).toBeLessThan(0.15);
    for (const w of of("random")) expect(w.flags).not.toContain("adversarial");
    // The model finds the shifted and the compressed labelers' habits.
    for (const w of of("biased")) expect(Math.abs(w.offset)).toBeGreaterThan(0.4);
    for (const w of of("compressed")) expect(w.scale).toBeLessThan(0.65);
    // Careful labelers score above those whose ratings need correcting, and those above the random ones.
    expect(average(of("good").map((w) => w.quality))).toBeGreaterThan(average(of("biased").map((w) => w.quality)));
    expect(Math.min(...of("compressed").map((w) => w.quality))).toBeGreaterThan(
      Math.max(...of("random").map((w) => w.quality)),
    );
  });

  it("explains each score: kappa from agreement and chance, shrunk by the number of answers", () => {
    const sim = simulateRatings(MIXED, 5);
    for (const w of aggregateRatings(sim.answers, { min: 1, max: 5 }).workers) {
      if (w.chance < 1) expect(w.kappa).toBeCloseTo((w.accuracy - w.chance) / (1 - w.chance), 9);
      expect(w.quality).toBeCloseTo(Math.max(0, Math.min(1, w.kappa)) * (w.answers / (w.answers + 5)), 9);
    }
  });

  it("recovers a crowd whose majority inverts the scale once gold shows who does", () => {
    const spec: RatingSpec = {
      tasks: 300,
      min: 1,
      max: 7,
      answersPerTask: 5,
      goldFraction: 0.1,
      groups: [
        { kind: "good", count: 6 },
        { kind: "adversary", count: 10 },
      ],
    };
    const sim = simulateRatings(spec, 2);
    const without = aggregateRatings(sim.answers, { min: 1, max: 7 });
    const withGold = aggregateRatings(sim.answers, { min: 1, max: 7, gold: sim.gold });
    expect(errors(without, sim).modelExact).toBeLessThan(0.3);
    expect(withGold.start).toBe("gold");
    expect(errors(withGold, sim).modelExact).toBeGreaterThan(0.8);
    for (const t of withGold.tasks.filter((t) => t.gold)) {
      expect(t.value).toBe(sim.gold.get(t.task));
      expect(t.confidence).toBe(1);
    }
  });

  it("reports the plain mean, the counts per point and a confidence that rises with agreement", () => {
    const answers: RatingAnswer[] = [
      ...["a", "b", "c", "d"].map((worker) => ({ task: "agreed", worker, value: 4 })),
      ...["a", "b", "c", "d"].map((worker, i) => ({ task: "split", worker, value: [1, 5, 2, 4][i] })),
      ...["a", "b"].map((worker, i) => ({ task: "other", worker, value: [2, 3][i] })),
    ];
    const r = aggregateRatings(answers, { min: 1, max: 5 });
    const t = new Map(r.tasks.map((x) => [x.task, x]));
    expect(t.get("agreed")).toMatchObject({ value: 4, mean: 4, scores: [0, 0, 0, 4, 0], answers: 4 });
    expect(t.get("split")).toMatchObject({ mean: 3, scores: [1, 1, 0, 1, 1] });
    expect(t.get("agreed")!.confidence).toBeGreaterThan(t.get("split")!.confidence);
    for (const x of r.tasks) {
      expect(x.value).toBe(Math.round(x.estimate));
      expect(x.estimate).toBeGreaterThanOrEqual(1);
      expect(x.estimate).toBeLessThanOrEqual(5);
    }
  });

  it("refuses ratings off the scale and answers that never overlap", () => {
    expect(() => aggregateRatings([{ task: "t", worker: "w", value: 6 }], { min: 1, max: 5 })).toThrow(
      /answer 1: rating must be an integer from 1 to 5, got 6/,
    );
    const lonely = [
      { task: "t1", worker: "w", value: 2 },
      { task: "t2", worker: "v", value: 3 },
    ];
    expect(() => aggregateRatings(lonely, { min: 1, max: 5 })).toThrow(ConsensusInputError);
    expect(aggregateRatings(lonely, { min: 1, max: 5, gold: new Map([["t1", 2]]) }).tasks).toHaveLength(2);
  });
});

describe("rating consensus is equivariant", () => {
  const ratingSets = fc
    .array(
      fc.record({
        task: fc.integer({ min: 0, max: 6 }),
        worker: fc.integer({ min: 0, max: 4 }),
        value: fc.integer({ min: -2, max: 2 }),
      }),
      { minLength: 2, maxLength: 40 },
    )
    .filter((rows) => new Set(rows.map((r) => r.task)).size < rows.length);
  const permutation = (n: number) =>
    fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) =>
      keys
        .map((k, i) => [k, i] as const)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1])
        .map(([, i]) => i),
    );

  it("renaming tasks and labelers and shuffling the answers renames the output and changes nothing else", () => {
    fc.assert(
      fc.property(ratingSets, permutation(7), permutation(5), permutation(40), (rows, taskPerm, workerPerm, order) => {
        const task = (t: number) => `item-${taskPerm[t]}`;
        const worker = (w: number) => `${workerPerm[w]}-labeler`;
        const x = aggregateRatings(
          rows.map((r) => ({ task: `t${r.task}`, worker: `w${r.worker}`, value: r.value })),
          { min: -2, max: 2 },
        );
        const y = aggregateRatings(
          order
            .filter((i) => i < rows.length)
            .map((i) => rows[i])
            .map((r) => ({ task: task(r.task), worker: worker(r.worker), value: r.value })),
          { min: -2, max: 2 },
        );
        const yTasks = new Map(y.tasks.map((t) => [t.task, t]));
        for (const t of x.tasks) {
          const u = yTasks.get(task(Number(t.task.slice(1))))!;
          expect(Math.abs(u.estimate - t.estimate)).toBeLessThan(1e-9);
          expect(Math.abs(u.confidence - t.confidence)).toBeLessThan(1e-9);
        }
        const yWorkers = new Map(y.workers.map((w) => [w.worker, w]));
        for (const w of x.workers) {
          const v = yWorkers.get(worker(Number(w.worker.slice(1))))!;
          expect(Math.abs(v.quality - w.quality)).toBeLessThan(1e-9);
          expect(Math.abs(v.scale - w.scale)).toBeLessThan(1e-9);
          expect(v.flags).toEqual(w.flags);
        }
      }),
      { numRuns: 60 },
    );
  });
});
