import { describe, expect, it } from "vitest";
import {
  aggregateLabels,
  aggregatePairs,
  PLAIN_DAWID_SKENE,
  type LabelAggregate,
} from "../../../reward/consensus/algorithms/index.ts";
import { accuracyTable, type AccuracyRow } from "../../support/accuracy-table.ts";
import { simulateCrowd, type SimulatedCrowd } from "../../support/label-crowds.ts";
import { CROWDS, IMBALANCED_CROWDS } from "../../support/named-crowds.ts";
import { simulatePairs } from "../../support/pair-crowds.ts";

function accuracy(r: LabelAggregate, sim: SimulatedCrowd): number {
  const scored = r.tasks.filter((t) => !t.gold);
  return scored.filter((t) => t.label === sim.truth.get(t.task)).length / scored.length;
}

/** Quality scores and flags grouped by the simulated kind of labeler. */
function byGroup(r: LabelAggregate, sim: SimulatedCrowd) {
  const groups = new Map<string, LabelAggregate["workers"]>();
  for (const w of r.workers) {
    const g = sim.group.get(w.worker)!;
    groups.set(g, [...(groups.get(g) ?? []), w]);
  }
  return groups;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("simulated crowds with known truth", () => {
  it.each(Object.keys(CROWDS))(
    "%s: the default is at least as accurate as majority vote and plain Dawid–Skene",
    (name) => {
      const sim = simulateCrowd(CROWDS[name], 101);
      const options = { gold: sim.gold };
      const majority = accuracy(aggregateLabels(sim.answers, { ...options, method: "majority" }), sim);
      const plain = accuracy(aggregateLabels(sim.answers, { ...options, dawidSkene: PLAIN_DAWID_SKENE }), sim);
      const tuned = accuracy(aggregateLabels(sim.answers, options), sim);
      expect(tuned).toBeGreaterThanOrEqual(majority);
      expect(tuned).toBeGreaterThanOrEqual(plain - 0.01);
    },
  );

  it("beats majority vote by a wide margin when a quarter of the crowd is adversarial", () => {
    const sim = simulateCrowd(CROWDS["binary, 25% adversaries, 5 answers"], 7);
    const majority = accuracy(aggregateLabels(sim.answers, { method: "majority" }), sim);
    const tuned = accuracy(aggregateLabels(sim.answers), sim);
    expect(tuned - majority).toBeGreaterThan(0.2);
    expect(tuned).toBeGreaterThan(0.9);
  });

  it("separates labeler quality: good > mediocre > random ≈ adversary ≈ constant ≈ 0, with flags", () => {
    const sim = simulateCrowd(CROWDS["mixed, 4 classes, 5 answers"], 5);
    const r = aggregateLabels(sim.answers);
    const g = byGroup(r, sim);
    const quality = (name: string) => g.get(name)!.map((w) => w.quality);
    expect(mean(quality("good"))).toBeGreaterThan(0.7);
    expect(mean(quality("good"))).toBeGreaterThan(mean(quality("mediocre")) + 0.15);
    expect(mean(quality("mediocre"))).toBeGreaterThan(mean(quality("random")) + 0.2);
    expect(mean(quality("random"))).toBeLessThan(0.1);
    expect(Math.max(...quality("adversary"))).toBeLessThan(0.02);
    expect(Math.max(...quality("constant"))).toBeLessThan(0.02);
    for (const w of g.get("adversary")!) expect(w.flags).toEqual(["adversarial"]);
    for (const w of g.get("constant")!) expect(w.flags).toEqual(["constant"]);
    expect(g.get("random")!.filter((w) => w.flags.includes("random")).length).toBeGreaterThanOrEqual(6);
    for (const w of g.get("good")!) expect(w.flags).toEqual([]);
    // The pieces explain the score: kappa from accuracy and chance, shrunk by the number of answers.
    for (const w of r.workers) {
      const kappa = (w.accuracy - w.chance) / (1 - w.chance);
      expect(w.kappa).toBeCloseTo(kappa, 9);
      expect(w.quality).toBeCloseTo(Math.max(0, kappa) * (w.answers / (w.answers + 5)), 9);
    }
  });

  it("shrinks the quality of labelers with few answers", () => {
    const sim = simulateCrowd(CROWDS["mixed, 4 classes, 5 answers"], 5);
    const r = aggregateLabels(sim.answers);
    const sparse = byGroup(r, sim).get("sparse")!;
    expect(mean(sparse.map((w) => w.answers))).toBeLessThan(10);
    for (const w of sparse) expect(w.quality).toBeLessThanOrEqual(w.answers / (w.answers + 5) + 1e-12);
  });

  it("reports gold answered and correct per labeler", () => {
    const sim = simulateCrowd({ ...CROWDS["binary, 25% adversaries, 5 answers"], goldFraction: 0.2 }, 3);
    const r = aggregateLabels(sim.answers, { gold: sim.gold });
    const answersByWorker = new Map<string, [number, number]>();
    sim.answers.task.forEach((task, i) => {
      const truth = sim.gold.get(task);
      if (truth === undefined) return;
      const w = sim.answers.worker[i];
      const [n, right] = answersByWorker.get(w) ?? [0, 0];
      answersByWorker.set(w, [n + 1, right + (sim.answers.label[i] === truth ? 1 : 0)]);
    });
    for (const w of r.workers) {
      const [n, right] = answersByWorker.get(w.worker) ?? [0, 0];
      expect([w.goldAnswered, w.goldCorrect]).toEqual([n, right]);
    }
  });
});

/**
 * Accuracy differences within this much are ties: over the handful of simulated crowds averaged here, two
 * methods' difference moves by about ±0.2 points from one set of seeds to the next.
 */
const TIE = 0.003;

describe("imbalanced crowds with a long tail of sparse labelers (each averaged over 6 simulated crowds)", () => {
  let rows: AccuracyRow[] | undefined;
  const table = () => (rows ??= accuracyTable([1, 2, 3, 4, 5, 6], IMBALANCED_CROWDS));
  const row = (name: string) => table().find((r) => r.crowd === name)!.accuracy;

  it.each(Object.keys(IMBALANCED_CROWDS))(
    "%s: the default is at least as accurate as plain Dawid–Skene and beats majority vote",
    (name) => {
      const accuracy = row(name);
      expect(accuracy.default).toBeGreaterThanOrEqual(accuracy["Dawid-Skene (plain)"] - TIE);
      expect(accuracy.default).toBeGreaterThan(accuracy["majority vote"]);
    },
  );

  it("is more accurate than plain Dawid–Skene over all of them", () => {
    const meanOf = (method: keyof AccuracyRow["accuracy"]) => mean(table().map((r) => r.accuracy[method]));
    expect(meanOf("default")).toBeGreaterThan(meanOf("Dawid-Skene (plain)") + 0.002);
  });
});

describe("adversaries among the crowd", () => {
  it.each([
    ["binary, 25% adversaries, 5 answers", 0.3],
    ["mostly adversarial, 10% gold", 0.65],
  ] as const)("%s: as accurate as plain Dawid–Skene, far above majority vote", (name, margin) => {
    const [{ accuracy }] = accuracyTable([1, 2, 3], { [name]: CROWDS[name] });
    expect(accuracy.default).toBeGreaterThanOrEqual(accuracy["Dawid-Skene (plain)"] - TIE);
    expect(accuracy.default - accuracy["majority vote"]).toBeGreaterThan(margin);
  });

  it("discounts adversaries with a handful of answers and with hundreds in an imbalanced crowd", () => {
    const base = IMBALANCED_CROWDS["binary 90/10, rare class often missed, 5 answers"];
    const spec = {
      ...base,
      groups: [
        ...base.groups,
        {
          kind: "adversary" as const,
          count: 40,
          skill: [0.7, 0.9] as [number, number],
          activity: [0.2, 2] as [number, number],
          name: "sparse adversary",
        },
        {
          kind: "adversary" as const,
          count: 4,
          skill: [0.7, 0.9] as [number, number],
          activity: [40, 150] as [number, number],
          name: "heavy adversary",
        },
      ],
    };
    const [{ accuracy }] = accuracyTable([1, 2, 3], { adversaries: spec });
    expect(accuracy.default).toBeGreaterThanOrEqual(accuracy["Dawid-Skene (plain)"] - TIE);
    expect(accuracy.default - accuracy["majority vote"]).toBeGreaterThan(0.05);
    const sim = simulateCrowd(spec, 1);
    const g = byGroup(aggregateLabels(sim.answers), sim);
    for (const w of [...g.get("sparse adversary")!, ...g.get("heavy adversary")!]) expect(w.quality).toBeLessThan(0.05);
    expect(mean(g.get("heavy")!.map((w) => w.quality))).toBeGreaterThan(0.3);
  });
});

function spearman(xs: number[], ys: number[]): number {
  const ranks = (a: number[]) => {
    const r = new Array<number>(a.length);
    a.map((v, i) => [v, i] as const)
      .sort((p, q) => p[0] - q[0])
      .forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const rx = ranks(xs);
  const ry = ranks(ys);
  const n = xs.length;
  return 1 - (6 * rx.reduce((s, r, i) => s + (r - ry[i]) ** 2, 0)) / (n * (n * n - 1));
}

describe("simulated pairwise crowd", () => {
  const sim = simulatePairs(
    {
      items: 200,
      answers: 12_000,
      tieMargin: 0.03,
      groups: [
        { kind: "good", count: 10, skill: 2 },
        { kind: "random", count: 2 },
        { kind: "adversary", count: 2, skill: 2 },
        { kind: "left-biased", count: 2, skill: 2, bias: 0.6 },
        { kind: "constant", count: 1 },
      ],
    },
    17,
  );
  const r = aggregatePairs(sim.answers);
  const kind = (w: string) => sim.kind.get(w)!;

  it("ranks items close to the true order", () => {
    const rho = spearman(
      r.items.map((i) => i.score),
      r.items.map((i) => sim.score.get(i.item)!),
    );
    expect(rho).toBeGreaterThan(0.95);
    expect(r.converged).toBe(true);
  });

  it("detects adversarial, random, position-biased and constant labelers", () => {
    for (const w of r.workers) {
      switch (kind(w.worker)) {
        case "good":
          expect(w.flags).toEqual([]);
          expect(w.quality).toBeGreaterThan(0.5);
          expect(w.reliability).toBeGreaterThan(0.9);
          break;
        case "adversary":
          expect(w.flags).toEqual(["adversarial"]);
          expect(w.quality).toBe(0);
          expect(w.reliability).toBeLessThan(0.1);
          break;
        case "random":
          expect(w.flags).toEqual(["random"]);
          expect(w.quality).toBeLessThan(0.1);
          break;
        case "left-biased":
          expect(w.flags).toContain("position-bias");
          expect(w.positionBias).toBeGreaterThan(1);
          break;
        case "constant":
          expect(w.flags).toEqual(["constant"]);
          expect(w.quality).toBe(0);
          break;
      }
    }
  });
});
