/**
 * Simulated label crowds with known truth: every task has a true class, and labelers of the kinds below answer it.
 * Driven by the trainer's seeded generator, so a (spec, seed) pair always produces the same answers.
 */
import type { LabelColumns } from "../../reward/consensus/algorithms/types.ts";
import { Rng } from "../../trainer/rng.ts";
import { cumulativeWeights, pad, pickWeighted } from "./crowd-sampling.ts";

/**
 * good: right with probability `skill` (plus `classSkill` of the true class), otherwise another class: uniformly
 * at random, or weighted by the true class's row of `mistakes`.
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
  /**
   * Relative chance of being picked for a task; small values make sparse labelers with a handful of answers.
   * A range draws each labeler's activity log-uniformly from it: a long tail of light labelers and a few heavy ones.
   */
  activity?: number | [number, number];
  /** Added to the skill when the truth is class k (class-dependent accuracy: a rare class often missed), within [0, 1]. */
  classSkill?: number[];
  /** Row k: relative weights of a good labeler's wrong answers when the truth is k (class-dependent confusions). */
  mistakes?: number[][];
  name?: string;
}

export interface CrowdSpec {
  tasks: number;
  classes: number;
  /** Relative class frequencies (imbalance), one per class; uniform if absent. */
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

interface Labeler {
  id: string;
  kind: LabelerKind;
  /** Probability of the kind's main behaviour, per true class. */
  skill: number[];
  bias: number;
  constant: number;
  /** Per true class, the running totals of the wrong answers' weights (absent: uniform). */
  mistakes?: Float64Array[];
}

export function simulateCrowd(spec: CrowdSpec, seed: number): SimulatedCrowd {
  const rng = new Rng(seed);
  const K = spec.classes;
  const classIds = Array.from({ length: K }, (_, k) => `c${k}`);
  const classCumulative = cumulativeWeights(spec.classWeights ?? new Array(K).fill(1));

  const labelers: Labeler[] = [];
  const activity: number[] = [];
  const group = new Map<string, string>();
  for (const g of spec.groups) {
    for (let i = 0; i < g.count; i++) {
      const [lo, hi] = g.skill ?? [0.8, 0.95];
      const skill = lo + (hi - lo) * rng.next();
      labelers.push({
        id: `w${pad(labelers.length, 5)}`,
        kind: g.kind,
        skill: Array.from({ length: K }, (_, k) => Math.min(1, Math.max(0, skill + (g.classSkill?.[k] ?? 0)))),
        bias: g.bias ?? 0.5,
        constant: rng.int(K),
        mistakes: g.mistakes?.map((row, k) => cumulativeWeights(row.map((weight, l) => (l === k ? 0 : weight)))),
      });
      activity.push(drawActivity(rng, g.activity ?? 1));
      group.set(labelers[labelers.length - 1].id, g.name ?? g.kind);
    }
  }
  const workerCumulative = cumulativeWeights(activity);
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

function drawActivity(rng: Rng, activity: number | [number, number]): number {
  if (typeof activity === "number") return activity;
  const [lo, hi] = activity;
  return lo * (hi / lo) ** rng.next();
}

function answer(rng: Rng, l: Labeler, y: number, K: number): number {
  const other = () => (l.mistakes ? pickWeighted(rng, l.mistakes[y]) : (y + 1 + rng.int(K - 1)) % K);
  switch (l.kind) {
    case "good":
      return rng.next() < l.skill[y] ? y : other();
    case "random":
      return rng.int(K);
    case "adversary":
      return rng.next() < l.skill[y] ? (y + 1) % K : rng.int(K);
    case "biased":
      if (rng.next() < l.bias) return 0;
      return rng.next() < l.skill[y] ? y : other();
    case "constant":
      return l.constant;
  }
}
