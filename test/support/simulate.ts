/**
 * Simulated crowds with known truth, for tests, the benchmark and the accuracy table in reward/README.md.
 * Everything is driven by a seeded PRNG, so a (spec, seed) pair always produces the same answers.
 */
import { dawidSkene, PLAIN_DAWID_SKENE } from "../../reward/consensus/algorithms/dawid-skene.ts";
import { goldByTask, indexLabels } from "../../reward/consensus/algorithms/indexing.ts";
import { majorityVote, wawa } from "../../reward/consensus/algorithms/majority.ts";
import type { LabelColumns, PairColumns } from "../../reward/consensus/algorithms/types.ts";

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  normal(): number;
}

/** mulberry32: small, fast, and good enough for simulations. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}

/**
 * good: right with probability `skill`, otherwise a uniformly random other class.
 * random: answers uniformly at random. adversary: answers the "next" class ((truth + 1) mod K) with
 * probability `skill`, otherwise at random. biased: with probability `bias` answers class 0 whatever the
 * truth, otherwise like good. constant: always the same class.
 */
export type LabelerKind = "good" | "random" | "adversary" | "biased" | "constant";

export interface LabelerGroup {
  kind: LabelerKind;
  count: number;
  /** Probability of the kind's main behaviour (see LabelerKind); drawn per labeler from [min, max]. */
  skill?: [number, number];
  bias?: number;
  /** Relative chance of being picked for a task; small values make sparse labelers with a handful of answers. */
  activity?: number;
  name?: string;
}

export interface CrowdSpec {
  tasks: number;
  classes: number;
  /** Relative class frequencies (imbalance); uniform if absent. */
  classWeights?: number[];
  answersPerTask: number;
  groups: LabelerGroup[];
  /** Share of tasks whose truth is handed to the aggregator as gold. */
  goldFraction?: number;
}

export interface SimulatedCrowd {
  answers: LabelColumns & { task: string[]; worker: string[]; label: string[] };
  truth: Map<string, string>;
  gold: Map<string, string>;
  /** Group name (or kind) of every labeler. */
  group: Map<string, string>;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function pickWeighted(rng: Rng, cumulative: Float64Array): number {
  const x = rng.next() * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function simulateCrowd(spec: CrowdSpec, seed: number): SimulatedCrowd {
  const rng = createRng(seed);
  const K = spec.classes;
  const classIds = Array.from({ length: K }, (_, k) => `c${k}`);
  const weights = spec.classWeights ?? new Array(K).fill(1);
  const classCumulative = new Float64Array(K);
  weights.forEach((w, k) => (classCumulative[k] = w + (k > 0 ? classCumulative[k - 1] : 0)));

  const labelers: { id: string; kind: LabelerKind; skill: number; bias: number; constant: number }[] = [];
  const activity: number[] = [];
  const group = new Map<string, string>();
  for (const g of spec.groups) {
    for (let i = 0; i < g.count; i++) {
      const [lo, hi] = g.skill ?? [0.8, 0.95];
      labelers.push({
        id: `w${pad(labelers.length, 5)}`,
        kind: g.kind,
        skill: lo + (hi - lo) * rng.next(),
        bias: g.bias ?? 0.5,
        constant: rng.int(K),
      });
      activity.push(g.activity ?? 1);
      group.set(labelers[labelers.length - 1].id, g.name ?? g.kind);
    }
  }
  const workerCumulative = new Float64Array(activity.length);
  activity.forEach((a, i) => (workerCumulative[i] = a + (i > 0 ? workerCumulative[i - 1] : 0)));
  const perTask = Math.min(spec.answersPerTask, labelers.length);

  const task: string[] = [];
  const worker: string[] = [];
  const label: string[] = [];
  const truth = new Map<string, string>();
  const gold = new Map<string, string>();
  const chosen = new Set<number>();
  for (let t = 0; t < spec.tasks; t++) {
    const taskId = `t${pad(t, 7)}`;
    const y = pickWeighted(rng, classCumulative);
    truth.set(taskId, classIds[y]);
    if (rng.next() < (spec.goldFraction ?? 0)) gold.set(taskId, classIds[y]);
    chosen.clear();
    while (chosen.size < perTask) chosen.add(pickWeighted(rng, workerCumulative));
    for (const w of [...chosen].sort((a, b) => a - b)) {
      task.push(taskId);
      worker.push(labelers[w].id);
      label.push(classIds[answer(rng, labelers[w], y, K)]);
    }
  }
  return { answers: { task, worker, label }, truth, gold, group };
}

function answer(rng: Rng, l: { kind: LabelerKind; skill: number; bias: number; constant: number }, y: number, K: number): number {
  const other = () => (y + 1 + rng.int(K - 1)) % K;
  switch (l.kind) {
    case "good":
      return rng.next() < l.skill ? y : other();
    case "random":
      return rng.int(K);
    case "adversary":
      return rng.next() < l.skill ? (y + 1) % K : rng.int(K);
    case "biased":
      if (rng.next() < l.bias) return 0;
      return rng.next() < l.skill ? y : other();
    case "constant":
      return l.constant;
  }
}

/**
 * Pairwise labelers. good: Bradley–Terry judge of the true scores (sharpness `skill`). random: left or right
 * at random. adversary: a good judge who reports the opposite. left-biased: a good judge who picks the left
 * item anyway with probability `bias`. constant: always left.
 */
export type PairLabelerKind = "good" | "random" | "adversary" | "left-biased" | "constant";

export interface PairLabelerGroup {
  kind: PairLabelerKind;
  count: number;
  skill?: number;
  bias?: number;
  activity?: number;
}

export interface PairSpec {
  items: number;
  answers: number;
  groups: PairLabelerGroup[];
  /** Answers "tie" when the true scores differ by less than this. */
  tieMargin?: number;
}

export interface SimulatedPairs {
  answers: PairColumns & { worker: string[]; left: string[]; right: string[]; label: string[] };
  score: Map<string, number>;
  kind: Map<string, PairLabelerKind>;
}

export function simulatePairs(spec: PairSpec, seed: number): SimulatedPairs {
  const rng = createRng(seed);
  const itemIds = Array.from({ length: spec.items }, (_, i) => `i${pad(i, 6)}`);
  const scores = itemIds.map(() => rng.normal());
  const labelers: { id: string; kind: PairLabelerKind; skill: number; bias: number }[] = [];
  const activity: number[] = [];
  for (const g of spec.groups) {
    for (let i = 0; i < g.count; i++) {
      labelers.push({ id: `w${pad(labelers.length, 5)}`, kind: g.kind, skill: g.skill ?? 2, bias: g.bias ?? 0.6 });
      activity.push(g.activity ?? 1);
    }
  }
  const cumulative = new Float64Array(activity.length);
  activity.forEach((a, i) => (cumulative[i] = a + (i > 0 ? cumulative[i - 1] : 0)));
  const worker: string[] = [];
  const left: string[] = [];
  const right: string[] = [];
  const label: string[] = [];
  const tieMargin = spec.tieMargin ?? 0;
  for (let n = 0; n < spec.answers; n++) {
    const l = labelers[pickWeighted(rng, cumulative)];
    const a = rng.int(spec.items);
    let b = rng.int(spec.items - 1);
    if (b >= a) b++;
    const d = scores[a] - scores[b];
    const honest = rng.next() < 1 / (1 + Math.exp(-l.skill * d)) ? "left" : "right";
    let choice: string;
    if (l.kind === "random") choice = rng.next() < 0.5 ? "left" : "right";
    else if (l.kind === "constant") choice = "left";
    else if (l.kind === "left-biased" && rng.next() < l.bias) choice = "left";
    else if (Math.abs(d) < tieMargin) choice = "tie";
    else if (l.kind === "adversary") choice = honest === "left" ? "right" : "left";
    else choice = honest;
    worker.push(l.id);
    left.push(itemIds[a]);
    right.push(itemIds[b]);
    label.push(choice);
  }
  return {
    answers: { worker, left, right, label },
    score: new Map(itemIds.map((id, i) => [id, scores[i]])),
    kind: new Map(labelers.map((l) => [l.id, l.kind])),
  };
}

/** Named crowds used for the accuracy table and the simulation tests. */
export const CROWDS: Record<string, CrowdSpec> = {
  "mixed, 4 classes, 5 answers": {
    tasks: 2000,
    classes: 4,
    answersPerTask: 5,
    groups: [
      { kind: "good", count: 20 },
      { kind: "good", count: 20, skill: [0.5, 0.7], name: "mediocre" },
      { kind: "random", count: 8 },
      { kind: "adversary", count: 6 },
      { kind: "biased", count: 5, bias: 0.5 },
      { kind: "constant", count: 3 },
      { kind: "good", count: 100, skill: [0.5, 0.95], activity: 0.05, name: "sparse" },
    ],
  },
  "binary, imbalanced 80/20, 3 answers": {
    tasks: 2000,
    classes: 2,
    classWeights: [4, 1],
    answersPerTask: 3,
    groups: [
      { kind: "good", count: 25, skill: [0.75, 0.95] },
      { kind: "good", count: 25, skill: [0.6, 0.75], name: "mediocre" },
      { kind: "random", count: 5 },
      { kind: "biased", count: 5, bias: 0.4 },
      { kind: "good", count: 200, skill: [0.55, 0.95], activity: 0.03, name: "sparse" },
    ],
  },
  "binary, 25% adversaries, 5 answers": {
    tasks: 1500,
    classes: 2,
    answersPerTask: 5,
    groups: [
      { kind: "good", count: 15, skill: [0.7, 0.9] },
      { kind: "good", count: 15, skill: [0.55, 0.7], name: "mediocre" },
      { kind: "adversary", count: 10, skill: [0.7, 0.9] },
    ],
  },
  "3 classes, rare class 5%, 5 answers": {
    tasks: 3000,
    classes: 3,
    classWeights: [0.75, 0.2, 0.05],
    answersPerTask: 5,
    groups: [
      { kind: "good", count: 30, skill: [0.7, 0.95] },
      { kind: "biased", count: 10, bias: 0.3 },
      { kind: "random", count: 5 },
      { kind: "good", count: 150, skill: [0.5, 0.9], activity: 0.05, name: "sparse" },
    ],
  },
  "sparse crowd, 4 classes, 4 answers": {
    tasks: 2000,
    classes: 4,
    answersPerTask: 4,
    groups: [
      { kind: "good", count: 600, skill: [0.55, 0.95], name: "sparse" },
      { kind: "random", count: 100, name: "sparse random" },
    ],
  },
  "5-point scale, 7 answers": {
    tasks: 1000,
    classes: 5,
    answersPerTask: 7,
    groups: [
      { kind: "good", count: 20, skill: [0.45, 0.8] },
      { kind: "biased", count: 10, bias: 0.3 },
      { kind: "random", count: 10 },
      { kind: "adversary", count: 3 },
    ],
  },
  "mostly adversarial, 10% gold": {
    tasks: 1500,
    classes: 2,
    answersPerTask: 5,
    goldFraction: 0.1,
    groups: [
      { kind: "good", count: 8, skill: [0.75, 0.9] },
      { kind: "adversary", count: 12, skill: [0.75, 0.9] },
    ],
  },
};

export const TABLE_METHODS = ["majority vote", "Wawa", "Dawid-Skene (plain)", "default"] as const;

export interface AccuracyRow {
  crowd: string;
  /** Share of non-gold tasks labelled correctly, averaged over the seeds, per method. */
  accuracy: Record<(typeof TABLE_METHODS)[number], number>;
}

/** Accuracy of each method on every crowd of CROWDS, averaged over `seeds`. */
export function accuracyTable(seeds: number[]): AccuracyRow[] {
  return Object.entries(CROWDS).map(([crowd, spec]) => {
    const accuracy = Object.fromEntries(TABLE_METHODS.map((m) => [m, 0])) as AccuracyRow["accuracy"];
    for (const seed of seeds) {
      const sim = simulateCrowd(spec, seed);
      const m = indexLabels(sim.answers, sim.gold.values());
      const gold = goldByTask(m, sim.gold);
      const score = (label: Int32Array) => {
        let right = 0;
        let scored = 0;
        m.taskIds.forEach((task, t) => {
          if (gold[t] >= 0) return;
          scored++;
          if (m.classIds[label[t]] === sim.truth.get(task)) right++;
        });
        return right / scored / seeds.length;
      };
      accuracy["majority vote"] += score(majorityVote(m, gold).label);
      accuracy.Wawa += score(wawa(m, gold).label);
      accuracy["Dawid-Skene (plain)"] += score(dawidSkene(m, { ...PLAIN_DAWID_SKENE, gold }).label);
      accuracy.default += score(dawidSkene(m, { gold }).label);
    }
    return { crowd, accuracy };
  });
}

export function formatAccuracyTable(rows: AccuracyRow[]): string {
  const header = `| crowd | ${TABLE_METHODS.join(" | ")} |`;
  const rule = `|---|${TABLE_METHODS.map(() => "---:").join("|")}|`;
  const line = (name: string, values: number[]) => `| ${name} | ${values.map((v) => (100 * v).toFixed(1) + "%").join(" | ")} |`;
  const mean = TABLE_METHODS.map((m) => rows.reduce((s, r) => s + r.accuracy[m], 0) / rows.length);
  return [header, rule, ...rows.map((r) => line(r.crowd, TABLE_METHODS.map((m) => r.accuracy[m]))), line("**mean**", mean)].join("\n");
}
