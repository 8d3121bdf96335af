import {
  ConsensusInputError,
  type LabelAnswer,
  type LabelColumns,
  type LabelMatrix,
  type PairAnswer,
  type PairColumns,
  type PairMatrix,
} from "./types.ts";

/**
 * Maps string ids to dense integers. Ids are finally numbered in sorted order, so the numbering (and every
 * result computed from it) does not depend on the order in which the answers arrived.
 */
class IdIndex {
  private readonly firstSeen = new Map<string, number>();
  readonly raw: string[] = [];

  constructor(private readonly what: string) {}

  private lastId: string | undefined;
  private lastIndex = -1;

  add(id: string, row: number): number {
    // Answers often come grouped (by task, say): a repeat of the previous id skips the hash lookup.
    if (id === this.lastId) return this.lastIndex;
    let i = this.firstSeen.get(id);
    if (i === undefined) {
      if (typeof id !== "string" || id === "") {
        throw new ConsensusInputError(`answer ${row}: ${this.what} must be a non-empty string`);
      }
      i = this.raw.length;
      this.firstSeen.set(id, i);
      this.raw.push(id);
    }
    this.lastId = id;
    this.lastIndex = i;
    return i;
  }

  /** Sorted ids and, for each first-seen number, its sorted number. */
  finish(): { ids: string[]; remap: Int32Array } {
    // Without a comparator, sort orders strings by UTF-16 code units: the same on every machine and locale.
    const ids = this.raw.slice().sort();
    const remap = new Int32Array(ids.length);
    for (let to = 0; to < ids.length; to++) remap[this.firstSeen.get(ids[to])!] = to;
    return { ids, remap };
  }
}

/** An Int32Array that grows as values are pushed. */
class IntColumn {
  private data = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values, renumbered through `remap`. */
  remapped(remap: Int32Array): Int32Array {
    const out = new Int32Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = remap[this.data[i]];
    return out;
  }

  values(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/** A Float64Array that grows as values are pushed. */
class FloatColumn {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  get(i: number): number {
    return this.data[i];
  }
}

/** Stable counting sort of the permutation `perm` by key[perm[i]] in [0, range). */
function countingSortBy(perm: Int32Array, key: Int32Array, range: number): Int32Array {
  const counts = new Int32Array(range + 1);
  for (let i = 0; i < perm.length; i++) counts[key[perm[i]] + 1]++;
  for (let r = 0; r < range; r++) counts[r + 1] += counts[r];
  const out = new Int32Array(perm.length);
  for (let i = 0; i < perm.length; i++) out[counts[key[perm[i]]]++] = perm[i];
  return out;
}

/** Sorts by the keys, most significant first (LSD radix over stable counting sorts). */
function sortedOrder(n: number, keys: [Int32Array, number][]): Int32Array {
  let perm: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let k = keys.length - 1; k >= 0; k--) perm = countingSortBy(perm, keys[k][0], keys[k][1]);
  return perm;
}

/** Builds a LabelMatrix one answer at a time, without keeping the answers' strings. */
export class LabelIndexer {
  private readonly tasks = new IdIndex("task");
  private readonly workers = new IdIndex("worker");
  private readonly classes = new IdIndex("label");
  private readonly task = new IntColumn();
  private readonly worker = new IntColumn();
  private readonly label = new IntColumn();

  add(task: string, worker: string, label: string): void {
    const row = this.task.length + 1;
    this.task.push(this.tasks.add(task, row));
    this.worker.push(this.workers.add(worker, row));
    this.label.push(this.classes.add(label, row));
  }

  /** `extraClasses` (gold labels, say) become classes even if no one answered them. */
  finish(extraClasses: Iterable<string> = []): LabelMatrix {
    const n = this.task.length;
    if (n === 0) throw new ConsensusInputError("no answers");
    for (const c of extraClasses) this.classes.add(c, 0);
    const t = this.tasks.finish();
    const w = this.workers.finish();
    const c = this.classes.finish();
    const task = this.task.remapped(t.remap);
    const worker = this.worker.remapped(w.remap);
    const label = this.label.remapped(c.remap);
    const perm = sortedOrder(n, [
      [task, t.ids.length],
      [worker, w.ids.length],
      [label, c.ids.length],
    ]);
    const taskStart = new Int32Array(t.ids.length + 1);
    const sortedWorker = new Int32Array(n);
    const sortedLabel = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const j = perm[i];
      taskStart[task[j] + 1]++;
      sortedWorker[i] = worker[j];
      sortedLabel[i] = label[j];
    }
    for (let i = 0; i < t.ids.length; i++) taskStart[i + 1] += taskStart[i];
    return { taskIds: t.ids, workerIds: w.ids, classIds: c.ids, taskStart, worker: sortedWorker, label: sortedLabel };
  }
}

const CHOICE_CODES = new Map([
  ["right", 0],
  ["tie", 1],
  ["left", 2],
]);

/**
 * Builds a PairMatrix one answer at a time. An answer may carry a weight (a ranking's pairs share the weight of
 * one ranking); the matrix has weights only if some answer's differs from 1. Answers that agree in every field but
 * the weight keep their input order, so give such duplicates equal weights if the order must not matter.
 */
export class PairIndexer {
  private readonly items = new IdIndex("item");
  private readonly workers = new IdIndex("worker");
  private readonly worker = new IntColumn();
  private readonly left = new IntColumn();
  private readonly right = new IntColumn();
  private readonly choice = new IntColumn();
  private readonly weight = new FloatColumn();
  private weighted = false;

  add(worker: string, left: string, right: string, label: string, weight = 1): void {
    const row = this.worker.length + 1;
    const code = CHOICE_CODES.get(label);
    if (code === undefined)
      throw new ConsensusInputError(`answer ${row}: label must be left, right or tie, got "${label}"`);
    if (left === right) throw new ConsensusInputError(`answer ${row}: item "${left}" is compared with itself`);
    if (!(weight > 0 && Number.isFinite(weight)))
      throw new ConsensusInputError(`answer ${row}: weight must be a positive number, got ${weight}`);
    this.worker.push(this.workers.add(worker, row));
    this.left.push(this.items.add(left, row));
    this.right.push(this.items.add(right, row));
    this.choice.push(code);
    this.weight.push(weight);
    if (weight !== 1) this.weighted = true;
  }

  finish(): PairMatrix {
    const n = this.worker.length;
    if (n === 0) throw new ConsensusInputError("no answers");
    const it = this.items.finish();
    const w = this.workers.finish();
    const worker = this.worker.remapped(w.remap);
    const left = this.left.remapped(it.remap);
    const right = this.right.remapped(it.remap);
    const choice = this.choice.values();
    const perm = sortedOrder(n, [
      [worker, w.ids.length],
      [left, it.ids.length],
      [right, it.ids.length],
      [choice, 3],
    ]);
    const out: PairMatrix = {
      itemIds: it.ids,
      workerIds: w.ids,
      worker: new Int32Array(n),
      left: new Int32Array(n),
      right: new Int32Array(n),
      choice: new Float64Array(n),
    };
    const weight = this.weighted ? new Float64Array(n) : undefined;
    for (let i = 0; i < n; i++) {
      const j = perm[i];
      out.worker[i] = worker[j];
      out.left[i] = left[j];
      out.right[i] = right[j];
      out.choice[i] = choice[j] / 2;
      if (weight) weight[i] = this.weight.get(j);
    }
    if (weight) out.weight = weight;
    return out;
  }
}

/**
 * Indexes categorical answers: integer ids in sorted-id order, answers grouped by task and ordered by
 * (worker, label). `extraClasses` (for instance gold labels) become classes even if no one answered them.
 */
export function indexLabels(
  input: readonly LabelAnswer[] | LabelColumns,
  extraClasses: Iterable<string> = [],
): LabelMatrix {
  const indexer = new LabelIndexer();
  if (Array.isArray(input)) {
    for (const a of input as readonly LabelAnswer[]) indexer.add(a.task, a.worker, a.label);
  } else {
    const cols = input as LabelColumns;
    if (cols.worker.length !== cols.task.length || cols.label.length !== cols.task.length) {
      throw new ConsensusInputError("task, worker and label columns differ in length");
    }
    for (let i = 0; i < cols.task.length; i++) indexer.add(cols.task[i], cols.worker[i], cols.label[i]);
  }
  return indexer.finish(extraClasses);
}

/** Indexes pairwise answers, ordered by (worker, left, right, choice) whatever the input order. */
export function indexPairs(input: readonly PairAnswer[] | PairColumns): PairMatrix {
  const indexer = new PairIndexer();
  if (Array.isArray(input)) {
    for (const a of input as readonly PairAnswer[]) indexer.add(a.worker, a.left, a.right, a.label);
  } else {
    const cols = input as PairColumns;
    const n = cols.worker.length;
    if (cols.left.length !== n || cols.right.length !== n || cols.label.length !== n) {
      throw new ConsensusInputError("worker, left, right and label columns differ in length");
    }
    for (let i = 0; i < n; i++) indexer.add(cols.worker[i], cols.left[i], cols.right[i], cols.label[i]);
  }
  return indexer.finish();
}

/** Gold labels as class numbers per task (-1 where there is none). Gold for unseen tasks is ignored. */
export function goldByTask(matrix: LabelMatrix, gold: ReadonlyMap<string, string> | undefined): Int32Array {
  const out = new Int32Array(matrix.taskIds.length).fill(-1);
  if (!gold || gold.size === 0) return out;
  const taskIndex = new Map(matrix.taskIds.map((id, i) => [id, i]));
  const classIndex = new Map(matrix.classIds.map((id, i) => [id, i]));
  for (const [task, label] of gold) {
    const t = taskIndex.get(task);
    if (t === undefined) continue;
    const c = classIndex.get(label);
    if (c === undefined) throw new ConsensusInputError(`gold label "${label}" of task "${task}" is not a known class`);
    out[t] = c;
  }
  return out;
}
