/**
 * Simulated ranking crowds with known truth: every task has 2–9 responses with true scores (standard normal), each
 * shown to a labeler in a random order, and labelers of the kinds below rank them. Driven by the trainer's seeded
 * generator, so a (spec, seed) pair always produces the same answers.
 */
import type { RankingAnswer } from "../../reward/consensus/algorithms/ranking.ts";
import { Rng } from "../../trainer/rng.ts";
import { cumulativeWeights, pad, pickWeighted } from "./crowd-sampling.ts";

/**
 * good: ranks by the true scores plus Gaussian noise of sd 1/skill, tying responses whose noisy scores differ by
 * less than `tieMargin`. random: a random order. adversary: a good ranking reversed. position-biased: with
 * probability `bias` keeps the screen order, otherwise ranks like good. constant: always the screen order.
 */
export type RankingLabelerKind = "good" | "random" | "adversary" | "position-biased" | "constant";

export interface RankingLabelerGroup {
  kind: RankingLabelerKind;
  count: number;
  skill?: number;
  bias?: number;
  activity?: number;
}

export interface RankingSpec {
  tasks: number;
  /** Responses per task. */
  responses: number;
  answersPerTask: number;
  groups: RankingLabelerGroup[];
  tieMargin?: number;
  goldFraction?: number;
}

export interface SimulatedRankings {
  answers: RankingAnswer[];
  /** Each task's true score per response. */
  truth: Map<string, number[]>;
  /** Gold: the true order, best first, one response per group. */
  gold: Map<string, number[][]>;
  kind: Map<string, RankingLabelerKind>;
}

/** Indices of `scores` best first. */
export const bestFirst = (scores: readonly number[]) =>
  scores.map((_, r) => r).sort((a, b) => scores[b] - scores[a] || a - b);

export function simulateRankings(spec: RankingSpec, seed: number): SimulatedRankings {
  const rng = new Rng(seed);
  const m = spec.responses;
  const labelers = spec.groups.flatMap((g) => Array.from({ length: g.count }, () => g));
  const ids = labelers.map((_, i) => `w${pad(i, 4)}`);
  const cumulative = cumulativeWeights(labelers.map((g) => g.activity ?? 1));
  const perTask = Math.min(spec.answersPerTask, labelers.length);
  const answers: RankingAnswer[] = [];
  const truth = new Map<string, number[]>();
  const gold = new Map<string, number[][]>();
  const chosen = new Set<number>();
  const shuffled = () => rng.shuffle(Array.from({ length: m }, (_, r) => r));
  for (let t = 0; t < spec.tasks; t++) {
    const task = `t${pad(t, 6)}`;
    const scores = Array.from({ length: m }, () => rng.normal());
    truth.set(task, scores);
    if (rng.next() < (spec.goldFraction ?? 0))
      gold.set(
        task,
        bestFirst(scores).map((r) => [r]),
      );
    chosen.clear();
    while (chosen.size < perTask) chosen.add(pickWeighted(rng, cumulative));
    for (const w of [...chosen].sort((a, b) => a - b)) {
      const g = labelers[w];
      const shown = shuffled();
      const noisy = scores.map((s) => s + rng.normal() / (g.skill ?? 2));
      const honest = groupsOf(bestFirst(noisy), noisy, spec.tieMargin ?? 0);
      let ranking: number[][];
      if (g.kind === "random") ranking = shuffled().map((r) => [r]);
      else if (g.kind === "constant" || (g.kind === "position-biased" && rng.next() < (g.bias ?? 0.7)))
        ranking = shown.map((r) => [r]);
      else if (g.kind === "adversary") ranking = honest.slice().reverse();
      else ranking = honest;
      answers.push({ task, worker: ids[w], shown, ranking });
    }
  }
  return { answers, truth, gold, kind: new Map(ids.map((id, i) => [id, labelers[i].kind])) };
}

/** Responses in `order` grouped where neighbours' scores differ by less than `margin`. */
function groupsOf(order: number[], scores: number[], margin: number): number[][] {
  const out: number[][] = [];
  for (const r of order) {
    const last = out[out.length - 1];
    if (last && scores[last[last.length - 1]] - scores[r] < margin) last.push(r);
    else out.push([r]);
  }
  return out.map((g) => g.sort((a, b) => a - b));
}
