import { bradleyTerry, type BradleyTerryOptions } from "./bradley-terry.ts";
import { PairIndexer } from "./indexing.ts";
import { GOLD_MARGIN, pairQuality, type PairLabelerQuality } from "./pairs.ts";
import type { QualityOptions } from "./quality.ts";
import { ConsensusInputError } from "./types.ts";

/**
 * One labeler's ranking of one task's responses. Responses are numbered 0..n-1 in the task's own order; `shown`
 * lists them in the order the labeler saw them (the first is "left" of every pair it is in), `ranking` holds
 * groups of them, best first, each group a tie.
 */
export interface RankingAnswer {
  task: string;
  worker: string;
  shown: readonly number[];
  ranking: readonly (readonly number[])[];
}

export interface RankingOptions {
  /** Known rankings (task → groups of response indices, best first): their scores are pinned. */
  gold?: ReadonlyMap<string, readonly (readonly number[])[]>;
  bradleyTerry?: Omit<BradleyTerryOptions, "fixed">;
  quality?: QualityOptions;
}

export interface TaskRanking {
  task: string;
  /** Response indices, best first (equal scores: the lower index first). */
  order: number[];
  /** Each response's fitted log-strength, by response index. */
  scores: number[];
  /** adjacent[i]: probability that order[i] beats order[i + 1], σ of their score difference. */
  adjacent: number[];
  answers: number;
  gold: boolean;
}

export interface RankingAggregate {
  tasks: TaskRanking[];
  /** Pairwise quality over each labeler's decomposed rankings (a ranking of m responses weighs m − 1 pairs). */
  workers: PairLabelerQuality[];
  iterations: number;
  converged: boolean;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const responseId = (task: string, r: number) => `${task}:${r}`;

/**
 * Pinned scores for a gold ranking of G groups: group g at GOLD_MARGIN × ((G − 1)/2 − g), so neighbouring groups
 * are GOLD_MARGIN apart (as a gold pair is) and a tie group shares one score. Two groups give ±GOLD_MARGIN/2,
 * exactly what pairwise gold pins.
 */
export function goldRankingScores(groups: readonly (readonly number[])[]): Map<number, number> {
  const out = new Map<number, number>();
  groups.forEach((g, i) => {
    for (const r of g) out.set(r, GOLD_MARGIN * ((groups.length - 1) / 2 - i));
  });
  return out;
}

/**
 * Consensus rankings by pairwise decomposition into Crowd-BT. Each ranking of m responses becomes its
 * m(m − 1)/2 pairs (left: the response shown earlier; a shared group is a tie), each weighted 2/m, so that
 * one ranking carries the weight of m − 1 comparisons, the information of a chain of adjacent choices, however
 * long it is: a labeler's long ranking does not outvote others' short ones, and its pairs, which are not
 * independent, are not counted as if they were. Position bias is the pull towards the response shown earlier.
 */
export function aggregateRankings(answers: readonly RankingAnswer[], options: RankingOptions = {}): RankingAggregate {
  const pairs = new PairIndexer();
  const responsesOf = new Map<string, number>();
  const answersOf = new Map<string, number>();
  answers.forEach((a, row) => {
    const m = a.shown.length;
    if (m < 2) throw new ConsensusInputError(`ranking ${row + 1}: a ranking needs at least two responses`);
    const known = responsesOf.get(a.task);
    if (known !== undefined && known !== m)
      throw new ConsensusInputError(`ranking ${row + 1}: task "${a.task}" was ranked with ${known} responses before`);
    responsesOf.set(a.task, m);
    answersOf.set(a.task, (answersOf.get(a.task) ?? 0) + 1);
    const group = new Int32Array(m).fill(-1);
    a.ranking.forEach((g, i) => g.forEach((r) => (group[r] = i)));
    if (group.some((g) => g < 0))
      throw new ConsensusInputError(`ranking ${row + 1}: every shown response must be ranked`);
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        const left = a.shown[i];
        const right = a.shown[j];
        const label = group[left] < group[right] ? "left" : group[left] > group[right] ? "right" : "tie";
        pairs.add(a.worker, responseId(a.task, left), responseId(a.task, right), label, 2 / m);
      }
    }
  });
  const p = pairs.finish();
  const index = new Map(p.itemIds.map((id, i) => [id, i]));
  const fixed = new Map<number, number>();
  for (const [task, groups] of options.gold ?? []) {
    if (!responsesOf.has(task)) continue;
    for (const [r, score] of goldRankingScores(groups)) {
      const i = index.get(responseId(task, r));
      if (i !== undefined) fixed.set(i, score);
    }
  }
  const fit = bradleyTerry(p, { ...options.bradleyTerry, fixed });
  const workers = pairQuality(p, fit.scores, fit, options.quality);
  const tasks = [...responsesOf.keys()].sort().map((task): TaskRanking => {
    const m = responsesOf.get(task)!;
    const scores = Array.from({ length: m }, (_, r) => fit.scores[index.get(responseId(task, r))!]);
    const order = Array.from({ length: m }, (_, r) => r).sort((a, b) => scores[b] - scores[a] || a - b);
    return {
      task,
      order,
      scores,
      adjacent: order.slice(0, -1).map((r, i) => sigmoid(scores[r] - scores[order[i + 1]])),
      answers: answersOf.get(task)!,
      gold: options.gold?.has(task) ?? false,
    };
  });
  return { tasks, workers, iterations: fit.iterations, converged: fit.converged };
}
