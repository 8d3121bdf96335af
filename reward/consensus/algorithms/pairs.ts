import { bradleyTerry, type BradleyTerryOptions } from "./bradley-terry.ts";
import { indexPairs } from "./indexing.ts";
import { DEFAULT_QUALITY, type QualityOptions } from "./quality.ts";
import type { PairAnswer, PairColumns, PairMatrix, QualityFlag } from "./types.ts";

/**
 * A pairwise labeler's quality, with its pieces. The truth of a comparison is taken to be the order of the
 * two items' final scores; ties (answers and score ties) are left out of accuracy and chance.
 * accuracy: share of their left/right answers that agree with the final ranking.
 * chance: what someone with the same left/right mix would get by not looking.
 * kappa: (accuracy − chance) / (1 − chance); quality: max(0, kappa) × answers / (answers + shrinkage).
 * reliability and positionBias are the fitted Crowd-BT parameters (probability of answering honestly,
 * and the pull towards the left item in logits). Weighted answers (PairMatrix.weight) count by their weight.
 */
export interface PairLabelerQuality {
  worker: string;
  quality: number;
  answers: number;
  ties: number;
  accuracy: number;
  chance: number;
  kappa: number;
  /** Share of their left/right answers that chose the left item. */
  leftShare: number;
  reliability: number;
  positionBias: number;
  flags: QualityFlag[];
}

export interface ItemScore {
  item: string;
  /** Log-strength: P(a preferred to b) = σ(score_a − score_b) for an honest, unbiased labeler. */
  score: number;
  rank: number;
  comparisons: number;
  wins: number;
  losses: number;
  ties: number;
}

export interface PairAggregate {
  items: ItemScore[];
  workers: PairLabelerQuality[];
  iterations: number;
  converged: boolean;
}

export interface AggregatePairsOptions {
  bradleyTerry?: BradleyTerryOptions;
  quality?: QualityOptions;
}

/** Score differences this small are a tie. */
const SCORE_TIE = 1e-9;

export function pairQuality(
  p: PairMatrix,
  scores: Float64Array,
  fit: { reliability: Float64Array; positionBias: Float64Array },
  options: QualityOptions = {},
): PairLabelerQuality[] {
  const { shrinkage, minAnswersToFlag } = { ...DEFAULT_QUALITY, ...options };
  const nWorkers = p.workerIds.length;
  const decided = new Float64Array(nWorkers);
  const ties = new Float64Array(nWorkers);
  const agree = new Float64Array(nWorkers);
  const saidLeft = new Float64Array(nWorkers);
  const truthLeft = new Float64Array(nWorkers);
  for (let e = 0; e < p.left.length; e++) {
    const w = p.worker[e];
    const wt = p.weight ? p.weight[e] : 1;
    if (p.choice[e] === 0.5) {
      ties[w] += wt;
      continue;
    }
    const d = scores[p.left[e]] - scores[p.right[e]];
    // Scores equal by symmetry differ by rounding noise that depends on the numbering: count them as equal.
    const leftBetter = d > SCORE_TIE ? 1 : d < -SCORE_TIE ? 0 : 0.5;
    decided[w] += wt;
    saidLeft[w] += wt * p.choice[e];
    truthLeft[w] += wt * leftBetter;
    agree[w] += wt * (p.choice[e] === 1 ? leftBetter : 1 - leftBetter);
  }
  return p.workerIds.map((worker, w) => {
    const n = decided[w];
    const left = n > 0 ? saidLeft[w] / n : 0.5;
    // Shrunk towards an even split: with a handful of answers the better response may have happened to sit on
    // one side every time, which would make perfect agreement look like chance.
    const truth = (truthLeft[w] + shrinkage * 0.5) / (n + shrinkage);
    const accuracy = n > 0 ? agree[w] / n : 0;
    const chance = left * truth + (1 - left) * (1 - truth);
    const kappa = n > 0 && 1 - chance > 1e-9 ? (accuracy - chance) / (1 - chance) : 0;
    const total = n + ties[w];
    const flags: QualityFlag[] = [];
    if (total >= minAnswersToFlag) {
      const standardError = Math.sqrt(Math.max(chance * (1 - chance), 1e-12) / Math.max(n, 1));
      if (Math.max(left, 1 - left) >= 0.95 || ties[w] / total >= 0.95) flags.push("constant");
      else if (kappa <= -0.1 && chance - accuracy > 2 * standardError) flags.push("adversarial");
      else if (kappa < 0.15) flags.push("random");
      // A fitted pull of 1 logit means picking left about 73% of the time between two equal items.
      const skewed = Math.abs(left - truth) > 0.2 && Math.abs(left - truth) > 3 * Math.sqrt(0.25 / n);
      if (!flags.includes("constant") && (Math.abs(fit.positionBias[w]) >= 1 || skewed)) flags.push("position-bias");
    }
    return {
      worker,
      quality: n > 0 ? Math.max(0, Math.min(1, kappa)) * (n / (total + shrinkage)) : 0,
      answers: total,
      ties: ties[w],
      accuracy,
      chance,
      kappa,
      leftShare: left,
      reliability: fit.reliability[w],
      positionBias: fit.positionBias[w],
      flags,
    };
  });
}

export interface GoldComparison {
  left: string;
  right: string;
  label: "left" | "right" | "tie";
}

/** How far apart a gold comparison pins its two items: P(better wins) = σ(4) ≈ 0.98. */
export const GOLD_MARGIN = 4;

/**
 * Fixed scores for gold comparisons: the better item at +margin/2, the other at −margin/2 (both 0 for a tie).
 * Comparisons naming items nobody answered about are ignored; an item pinned twice keeps its first score.
 */
export function goldScores(p: PairMatrix, gold: readonly GoldComparison[], margin = GOLD_MARGIN): Map<number, number> {
  const index = new Map(p.itemIds.map((id, i) => [id, i]));
  const fixed = new Map<number, number>();
  for (const g of gold) {
    const a = index.get(g.left);
    const b = index.get(g.right);
    if (a === undefined || b === undefined) continue;
    const d = g.label === "left" ? margin / 2 : g.label === "right" ? -margin / 2 : 0;
    if (!fixed.has(a)) fixed.set(a, d);
    if (!fixed.has(b)) fixed.set(b, -d);
  }
  return fixed;
}

/** Scores items from pairwise preferences and assesses each labeler (see bradleyTerry and PairLabelerQuality). */
export function aggregatePairMatrix(p: PairMatrix, options: AggregatePairsOptions = {}) {
  const fit = bradleyTerry(p, options.bradleyTerry);
  const workers = pairQuality(p, fit.scores, fit, options.quality);
  return { fit, workers };
}

export function aggregatePairs(
  answers: readonly PairAnswer[] | PairColumns,
  options: AggregatePairsOptions = {},
): PairAggregate {
  const p = indexPairs(answers);
  const { fit, workers } = aggregatePairMatrix(p, options);
  const n = p.itemIds.length;
  const wins = new Float64Array(n);
  const losses = new Float64Array(n);
  const ties = new Float64Array(n);
  for (let e = 0; e < p.left.length; e++) {
    const [winner, loser] = p.choice[e] === 1 ? [p.left[e], p.right[e]] : [p.right[e], p.left[e]];
    if (p.choice[e] === 0.5) {
      ties[winner]++;
      ties[loser]++;
    } else {
      wins[winner]++;
      losses[loser]++;
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => fit.scores[b] - fit.scores[a] || a - b);
  const rank = new Int32Array(n);
  order.forEach((i, r) => (rank[i] = r + 1));
  const items = p.itemIds.map((item, i) => ({
    item,
    score: fit.scores[i],
    rank: rank[i],
    comparisons: wins[i] + losses[i] + ties[i],
    wins: wins[i],
    losses: losses[i],
    ties: ties[i],
  }));
  return { items, workers, iterations: fit.iterations, converged: fit.converged };
}
