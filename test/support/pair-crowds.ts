/**
 * Simulated pairwise crowds with known truth: every item has a true score (standard normal), and labelers of the
 * kinds below compare random pairs of items. Driven by the trainer's seeded generator, so a (spec, seed) pair always
 * produces the same answers.
 */
import type { PairColumns } from "../../reward/consensus/algorithms/types.ts";
import { Rng } from "../../trainer/rng.ts";
import { cumulativeWeights, pad, pickWeighted } from "./crowd-sampling.ts";

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
  const rng = new Rng(seed);
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
  const cumulative = cumulativeWeights(activity);
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
