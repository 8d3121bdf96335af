import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aggregateLabels,
  aggregatePairs,
  type LabelAggregate,
  type LabelAnswer,
  type LabelMethod,
  type PairAnswer,
} from "../../../reward/consensus/algorithms/index.ts";

const TOLERANCE = 1e-9;

/** Small label sets in which at least one task has two answers (otherwise there is nothing to estimate). */
const labelSets = fc
  .array(
    fc.record({
      task: fc.integer({ min: 0, max: 7 }),
      worker: fc.integer({ min: 0, max: 4 }),
      label: fc.integer({ min: 0, max: 2 }),
    }),
    {
      minLength: 2,
      maxLength: 40,
    },
  )
  .map((rows) => rows.map((r) => ({ task: `t${r.task}`, worker: `w${r.worker}`, label: `c${r.label}` })))
  .filter((rows) => new Set(rows.map((r) => r.task)).size < rows.length);

/** A permutation of 0..n-1 drawn by fast-check. */
const permutation = (n: number) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) =>
    keys
      .map((k, i) => [k, i] as const)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([, i]) => i),
  );

function byTask(r: LabelAggregate) {
  return new Map(r.tasks.map((t) => [t.task, t]));
}

/** Checks that `b` is `a` with tasks, workers and classes renamed by the given maps, and nothing else changed. */
function expectRenamed(
  a: LabelAggregate,
  b: LabelAggregate,
  task: (s: string) => string,
  worker: (s: string) => string,
  cls: (s: string) => string,
) {
  const bTasks = byTask(b);
  for (const t of a.tasks) {
    const u = bTasks.get(task(t.task))!;
    expect(u).toBeDefined();
    for (const [c, p] of Object.entries(t.posterior)) expect(Math.abs(u.posterior[cls(c)] - p)).toBeLessThan(TOLERANCE);
    const sorted = Object.values(t.posterior).sort((x, y) => y - x);
    // With a tie at the top, which tied class wins depends on the class names; otherwise the label must map.
    if (sorted.length < 2 || sorted[0] - sorted[1] > TOLERANCE) expect(u.label).toBe(cls(t.label));
    else expect(Math.abs(u.posterior[u.label] - t.posterior[t.label])).toBeLessThan(TOLERANCE);
  }
  const bWorkers = new Map(b.workers.map((w) => [w.worker, w]));
  for (const w of a.workers) {
    const v = bWorkers.get(worker(w.worker))!;
    expect(Math.abs(v.quality - w.quality)).toBeLessThan(TOLERANCE);
    expect(Math.abs(v.accuracy - w.accuracy)).toBeLessThan(TOLERANCE);
    expect(v.answers).toBe(w.answers);
    expect(v.flags).toEqual(w.flags);
  }
}

describe.each(["dawid-skene", "majority"] as LabelMethod[])("label aggregation (%s) is equivariant", (method) => {
  it("relabelling the classes relabels the output and changes nothing else", () => {
    fc.assert(
      fc.property(labelSets, permutation(3), (rows, perm) => {
        // New names sort in a different order than the old ones, so class numbering really changes.
        const rename = (c: string) => `k${"zyx"[perm[Number(c.slice(1))]]}`;
        const a = aggregateLabels(rows, { method });
        const b = aggregateLabels(
          rows.map((r) => ({ ...r, label: rename(r.label) })),
          { method },
        );
        expectRenamed(
          a,
          b,
          (t) => t,
          (w) => w,
          rename,
        );
      }),
      { numRuns: 60 },
    );
  });

  it("renaming tasks and workers and shuffling the answers renames the output and changes nothing else", () => {
    fc.assert(
      fc.property(labelSets, permutation(8), permutation(5), permutation(40), (rows, taskPerm, workerPerm, order) => {
        const task = (t: string) => `task-${taskPerm[Number(t.slice(1))]}`;
        const worker = (w: string) => `${workerPerm[Number(w.slice(1))]}-labeler`;
        const shuffled: LabelAnswer[] = order.filter((i) => i < rows.length).map((i) => rows[i]);
        const a = aggregateLabels(rows, { method });
        const b = aggregateLabels(
          shuffled.map((r) => ({ task: task(r.task), worker: worker(r.worker), label: r.label })),
          { method },
        );
        expectRenamed(a, b, task, worker, (c) => c);
      }),
      { numRuns: 60 },
    );
  });
});

describe("pairwise aggregation is equivariant", () => {
  const pairSets = fc
    .array(
      fc.record({
        worker: fc.integer({ min: 0, max: 3 }),
        left: fc.integer({ min: 0, max: 5 }),
        gap: fc.integer({ min: 1, max: 5 }),
        label: fc.constantFrom("left", "right", "tie"),
      }),
      { minLength: 1, maxLength: 40 },
    )
    .map((rows) =>
      rows.map((r): PairAnswer => ({
        worker: `w${r.worker}`,
        left: `i${r.left}`,
        right: `i${(r.left + r.gap) % 6}`,
        label: r.label as PairAnswer["label"],
      })),
    );

  it("renaming items and workers and shuffling the answers renames the output and changes nothing else", () => {
    fc.assert(
      fc.property(pairSets, permutation(6), permutation(4), permutation(40), (rows, itemPerm, workerPerm, order) => {
        const item = (i: string) => `item-${itemPerm[Number(i.slice(1))]}`;
        const worker = (w: string) => `labeler-${workerPerm[Number(w.slice(1))]}`;
        const shuffled = order.filter((i) => i < rows.length).map((i) => rows[i]);
        const a = aggregatePairs(rows);
        const b = aggregatePairs(
          shuffled.map((r) => ({ ...r, worker: worker(r.worker), left: item(r.left), right: item(r.right) })),
        );
        const bItems = new Map(b.items.map((i) => [i.item, i]));
        for (const i of a.items) expect(Math.abs(bItems.get(item(i.item))!.score - i.score)).toBeLessThan(1e-9);
        const bWorkers = new Map(b.workers.map((w) => [w.worker, w]));
        for (const w of a.workers) {
          const v = bWorkers.get(worker(w.worker))!;
          expect(Math.abs(v.quality - w.quality)).toBeLessThan(1e-9);
          expect(Math.abs(v.reliability - w.reliability)).toBeLessThan(1e-9);
          expect(v.flags).toEqual(w.flags);
        }
      }),
      { numRuns: 60 },
    );
  });
});
