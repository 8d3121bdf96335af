import { describe, expect, it } from "vitest";
import {
  aggregateLabels,
  goldByTask,
  indexLabels,
  majorityVote,
  wawa,
} from "../../../reward/consensus/algorithms/index.ts";

const answers = [
  { task: "t1", worker: "a", label: "cat" },
  { task: "t1", worker: "b", label: "cat" },
  { task: "t1", worker: "c", label: "dog" },
  { task: "t2", worker: "a", label: "dog" },
  { task: "t2", worker: "b", label: "bird" },
  { task: "t2", worker: "c", label: "dog" },
  { task: "t3", worker: "a", label: "bird" },
  { task: "t3", worker: "c", label: "dog" },
];

describe("majority vote", () => {
  it("gives each task the vote shares as its posterior", () => {
    const r = aggregateLabels(answers, { method: "majority" });
    expect(r.classes).toEqual(["bird", "cat", "dog"]);
    expect(r.tasks.map((t) => [t.task, t.label, t.confidence])).toEqual([
      ["t1", "cat", 2 / 3],
      ["t2", "dog", 2 / 3],
      ["t3", "bird", 0.5], // a tie goes to the first class in sorted order
    ]);
    expect(r.tasks[0].posterior).toEqual({ bird: 0, cat: 2 / 3, dog: 1 / 3 });
    expect(r.tasks[2].answers).toBe(2);
  });

  it("keeps gold labels, and judges labelers by the other answers and gold", () => {
    const r = aggregateLabels(answers, { method: "majority", gold: new Map([["t3", "dog"]]) });
    expect(r.tasks[2]).toMatchObject({ task: "t3", label: "dog", confidence: 1, gold: true });
    const a = r.workers.find((w) => w.worker === "a")!;
    expect(a).toMatchObject({ answers: 3, goldAnswered: 1, goldCorrect: 0 });
    // t1: others say cat, dog → 1/2 for cat; t2: others say bird, dog → 1/2 for dog; t3 gold dog → 0.
    expect(a.accuracy).toBeCloseTo(1 / 3, 12);
    const c = r.workers.find((w) => w.worker === "c")!;
    expect(c).toMatchObject({ answers: 3, goldAnswered: 1, goldCorrect: 1 });
  });

  it("weights votes by labeler (Wawa: agreement with plain majority)", () => {
    const m = indexLabels([
      ...["t1", "t2", "t3", "t4"].flatMap((t) => [
        { task: t, worker: "good1", label: "x" },
        { task: t, worker: "good2", label: "x" },
      ]),
      { task: "t1", worker: "odd", label: "y" },
      { task: "t2", worker: "odd", label: "y" },
      { task: "t5", worker: "good1", label: "x" },
      { task: "t5", worker: "odd", label: "y" },
    ]);
    const gold = goldByTask(m, undefined);
    expect(majorityVote(m, gold).posterior[4 * 2]).toBe(0.5);
    const weighted = wawa(m, gold);
    // good1 agrees with majority on 5/5 tasks (t5 is a tie won by x), odd on 0/3.
    expect(weighted.label[4]).toBe(0);
    expect(weighted.posterior[4 * 2]).toBe(1);
  });
});
