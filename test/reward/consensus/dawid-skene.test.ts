import { describe, expect, it } from "vitest";
import {
  aggregateLabels,
  ConsensusInputError,
  dawidSkene,
  goldByTask,
  indexLabels,
} from "../../../reward/consensus/algorithms/index.ts";
import { simulateCrowd } from "../../support/label-crowds.ts";
import { IMBALANCED_CROWDS } from "../../support/named-crowds.ts";

describe("Dawid–Skene", () => {
  it("agrees with a unanimous crowd and returns proper posteriors", () => {
    const answers = ["t1", "t2", "t3", "t4"].flatMap((task, i) =>
      ["a", "b", "c"].map((worker) => ({ task, worker, label: i % 2 ? "yes" : "no" })),
    );
    const r = aggregateLabels(answers);
    expect(r.tasks.map((t) => t.label)).toEqual(["no", "yes", "no", "yes"]);
    for (const t of r.tasks) {
      expect(t.confidence).toBeGreaterThan(0.9);
      expect(t.posterior.no + t.posterior.yes).toBeCloseTo(1, 12);
    }
    expect(r.converged).toBe(true);
  });

  it("learns that a labeler is usually wrong and outvotes plain majority with it", () => {
    // Truth alternates x/y. a and b are right; c always says the opposite, d copies c.
    const answers = Array.from({ length: 40 }, (_, i) => {
      const truth = i % 2 ? "x" : "y";
      const wrong = truth === "x" ? "y" : "x";
      const task = `t${String(i).padStart(2, "0")}`;
      const rows = [
        { task, worker: "a", label: truth },
        { task, worker: "b", label: truth },
        { task, worker: "c", label: wrong },
      ];
      if (i < 30) rows.push({ task, worker: "d", label: wrong });
      return rows;
    }).flat();
    // Without models the 30 tasks with c and d are 2:2 ties.
    const mv = aggregateLabels(answers, { method: "majority" });
    expect(mv.tasks.filter((t) => t.confidence === 0.5)).toHaveLength(30);
    // With gold on 10 tasks, c and d show up as systematically wrong and every task is recovered.
    const truthOf = (task: string) => (Number(task.slice(1)) % 2 ? "x" : "y");
    const gold = new Map(
      ["t00", "t03", "t06", "t09", "t12", "t15", "t18", "t21", "t24", "t27"].map((t) => [t, truthOf(t)]),
    );
    const ds = aggregateLabels(answers, { gold });
    ds.tasks.forEach((t) => expect(t.label).toBe(truthOf(t.task)));
    const c = ds.workers.find((w) => w.worker === "c")!;
    expect(c.flags).toContain("adversarial");
    expect(c.quality).toBe(0);
    expect(c).toMatchObject({ goldAnswered: 10, goldCorrect: 0 });
  });

  it("clamps gold tasks to their label with certainty", () => {
    const answers = [
      { task: "g", worker: "a", label: "x" },
      { task: "g", worker: "b", label: "x" },
      { task: "t", worker: "a", label: "y" },
      { task: "t", worker: "b", label: "y" },
    ];
    const r = aggregateLabels(answers, { gold: new Map([["g", "z"]]) });
    expect(r.classes).toEqual(["x", "y", "z"]);
    expect(r.tasks[0]).toMatchObject({ task: "g", label: "z", confidence: 1, gold: true });
    expect(r.tasks[0].posterior).toEqual({ x: 0, y: 0, z: 1 });
  });

  it("recovers the truth from a mostly adversarial crowd when gold says so, and follows the crowd without gold", () => {
    const spec = {
      tasks: 600,
      classes: 2,
      answersPerTask: 5,
      goldFraction: 0.1,
      groups: [
        { kind: "good" as const, count: 8, skill: [0.8, 0.9] as [number, number] },
        { kind: "adversary" as const, count: 12, skill: [0.8, 0.9] as [number, number] },
      ],
    };
    const sim = simulateCrowd(spec, 11);
    const accuracy = (gold?: Map<string, string>) => {
      const r = aggregateLabels(sim.answers, { gold });
      const scored = r.tasks.filter((t) => !t.gold);
      return scored.filter((t) => t.label === sim.truth.get(t.task)).length / scored.length;
    };
    expect(accuracy(sim.gold)).toBeGreaterThan(0.95);
    // Without gold nothing tells the two mirror-image solutions apart; the prior sides with the majority.
    expect(accuracy()).toBeLessThan(0.2);
  });

  it("reaches a higher objective with priors than it starts from, and stops at the tolerance", () => {
    const sim = simulateCrowd(
      { tasks: 300, classes: 3, answersPerTask: 3, groups: [{ kind: "good", count: 10, skill: [0.6, 0.9] }] },
      3,
    );
    const m = indexLabels(sim.answers);
    const gold = goldByTask(m, undefined);
    const one = dawidSkene(m, { gold, maxIterations: 1 });
    const full = dawidSkene(m, { gold });
    expect(full.objective).toBeGreaterThan(one.objective);
    expect(full.converged).toBe(true);
    expect(full.iterations).toBeLessThan(100);
  });

  it.each(["binary 90/10, rare class often missed, 5 answers", "binary 75/25, misses and over-callers, 5 answers"])(
    "%s: estimates the rare class's share without pulling its tasks into the common class",
    (name) => {
      for (const seed of [1, 2, 3]) {
        const sim = simulateCrowd(IMBALANCED_CROWDS[name], seed);
        const m = indexLabels(sim.answers);
        const rare = [...sim.truth.values()].filter((c) => c === "c1").length / sim.truth.size;
        const r = dawidSkene(m, { gold: goldByTask(m, undefined) });
        expect(Math.abs(r.classPrior[m.classIds.indexOf("c1")] - rare)).toBeLessThan(0.025);
      }
    },
  );

  it("judges a labeler with a handful of answers by how the other answers on their tasks agree with them", () => {
    // Six careful labelers answer 200 tasks; "liar" and "careful" answer six of them each, wrong and right.
    const truthOf = (t: number) => (t % 3 === 0 ? "yes" : "no");
    const flip = (label: string) => (label === "yes" ? "no" : "yes");
    const answers = Array.from({ length: 200 }, (_, t) => {
      const task = `t${String(t).padStart(3, "0")}`;
      const rows = Array.from({ length: 3 }, (_, i) => ({
        task,
        worker: `w${(t + i) % 6}`,
        label: (t * 7 + i) % 10 === 0 ? flip(truthOf(t)) : truthOf(t),
      }));
      if (t < 6)
        rows.push({ task, worker: "liar", label: flip(truthOf(t)) }, { task, worker: "careful", label: truthOf(t) });
      return rows;
    }).flat();
    const m = indexLabels(answers);
    const r = dawidSkene(m, { gold: goldByTask(m, undefined) });
    const K = m.classIds.length;
    const rightShare = (worker: string) => {
      const w = m.workerIds.indexOf(worker);
      return m.classIds.map((_, k) => Math.exp(r.logConfusion[(w * K + k) * K + k]));
    };
    for (const p of rightShare("liar")) expect(p).toBeLessThan(0.5);
    for (const p of rightShare("careful")) expect(p).toBeGreaterThan(0.8);
    r.label.forEach((label, t) => expect(m.classIds[label]).toBe(truthOf(Number(m.taskIds[t].slice(1)))));
  });

  it("rejects input where no answers overlap and there is no gold", () => {
    const answers = [
      { task: "t1", worker: "a", label: "x" },
      { task: "t2", worker: "b", label: "y" },
    ];
    expect(() => aggregateLabels(answers)).toThrow(ConsensusInputError);
    expect(() => aggregateLabels(answers)).toThrow(/only one answer/);
    expect(() => aggregateLabels([])).toThrow(ConsensusInputError);
    expect(() => aggregateLabels([{ task: "", worker: "a", label: "x" }])).toThrow(/task must be a non-empty string/);
    expect(() => aggregateLabels(answers, { gold: new Map([["t1", "x"]]) })).not.toThrow();
  });
});
