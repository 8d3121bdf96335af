/**
 * Simulated rating crowds with known truth: every task has a true point on an integer scale, and labelers of the
 * kinds below rate it. Driven by the trainer's seeded generator, so a (spec, seed) pair always produces the same
 * answers.
 */
import type { RatingAnswer } from "../../reward/consensus/algorithms/ratings.ts";
import { Rng } from "../../trainer/rng.ts";
import { cumulativeWeights, pad, pickWeighted } from "./crowd-sampling.ts";

/**
 * good: the truth plus Gaussian noise (sd `noise`), rounded onto the scale. biased: the same shifted by `offset`
 * points. compressed: the same with distances from the middle multiplied by `scale` (below 1: avoids the ends).
 * random: a uniformly random point. adversary: a good rating mirrored (min + max − rating). constant: the middle.
 */
export type RatingLabelerKind = "good" | "biased" | "compressed" | "random" | "adversary" | "constant";

export interface RatingLabelerGroup {
  kind: RatingLabelerKind;
  count: number;
  noise?: number;
  offset?: number;
  scale?: number;
  activity?: number;
}

export interface RatingSpec {
  tasks: number;
  min: number;
  max: number;
  answersPerTask: number;
  groups: RatingLabelerGroup[];
  goldFraction?: number;
}

export interface SimulatedRatings {
  answers: RatingAnswer[];
  truth: Map<string, number>;
  gold: Map<string, number>;
  kind: Map<string, RatingLabelerKind>;
}

export function simulateRatings(spec: RatingSpec, seed: number): SimulatedRatings {
  const rng = new Rng(seed);
  const { min, max } = spec;
  const middle = (min + max) / 2;
  const onScale = (x: number) => Math.min(max, Math.max(min, Math.round(x)));
  const labelers = spec.groups.flatMap((g) => Array.from({ length: g.count }, () => g));
  const ids = labelers.map((_, i) => `w${pad(i, 4)}`);
  const cumulative = cumulativeWeights(labelers.map((g) => g.activity ?? 1));
  const perTask = Math.min(spec.answersPerTask, labelers.length);
  const answers: RatingAnswer[] = [];
  const truth = new Map<string, number>();
  const gold = new Map<string, number>();
  const chosen = new Set<number>();
  for (let t = 0; t < spec.tasks; t++) {
    const task = `t${pad(t, 6)}`;
    const y = min + rng.int(max - min + 1);
    truth.set(task, y);
    if (rng.next() < (spec.goldFraction ?? 0)) gold.set(task, y);
    chosen.clear();
    while (chosen.size < perTask) chosen.add(pickWeighted(rng, cumulative));
    for (const w of [...chosen].sort((a, b) => a - b)) {
      const g = labelers[w];
      const honest = y + (g.noise ?? 0.5) * rng.normal();
      let value: number;
      if (g.kind === "random") value = min + rng.int(max - min + 1);
      else if (g.kind === "constant") value = onScale(middle);
      else if (g.kind === "biased") value = onScale(honest + (g.offset ?? 1));
      else if (g.kind === "compressed") value = onScale(middle + (g.scale ?? 0.4) * (honest - middle));
      else if (g.kind === "adversary") value = min + max - onScale(honest);
      else value = onScale(honest);
      answers.push({ task, worker: ids[w], value });
    }
  }
  return { answers, truth, gold, kind: new Map(ids.map((id, i) => [id, labelers[i].kind])) };
}
