export * from "./types.ts";
export { indexLabels, indexPairs, goldByTask, LabelIndexer, PairIndexer } from "./indexing.ts";
export { majorityVote, wawa, type TaskPosteriors } from "./majority.ts";
export {
  dawidSkene,
  DEFAULT_DAWID_SKENE,
  PLAIN_DAWID_SKENE,
  type DawidSkeneOptions,
  type DawidSkeneResult,
} from "./dawid-skene.ts";
export {
  bradleyTerry,
  DEFAULT_BRADLEY_TERRY,
  type BradleyTerryOptions,
  type BradleyTerryResult,
} from "./bradley-terry.ts";
export {
  AgreementTally,
  DEFAULT_QUALITY,
  tallyMajority,
  tallyPosterior,
  type LabelerQuality,
  type QualityOptions,
} from "./quality.ts";
export {
  aggregateLabels,
  aggregateLabelMatrix,
  type AggregateLabelsOptions,
  type LabelAggregate,
  type LabelMatrixAggregate,
  type LabelMethod,
  type TaskConsensus,
} from "./labels.ts";
export {
  aggregatePairs,
  aggregatePairMatrix,
  pairQuality,
  goldScores,
  GOLD_MARGIN,
  type GoldComparison,
  type AggregatePairsOptions,
  type ItemScore,
  type PairAggregate,
  type PairLabelerQuality,
} from "./pairs.ts";
export { krippendorffAlpha, fleissKappa, confidenceHistogram, posteriorMax, type HistogramBin } from "./agreement.ts";
export { summarizeLabels, summarizePairs, type LabelSummary, type PairSummary } from "./summary.ts";
export {
  aggregateRankings,
  goldRankingScores,
  type RankingAggregate,
  type RankingAnswer,
  type RankingOptions,
  type TaskRanking,
} from "./ranking.ts";
export {
  aggregateRatings,
  DEFAULT_RATING_MODEL,
  type RatingAggregate,
  type RatingAnswer,
  type RatingLabelerQuality,
  type RatingModelOptions,
  type RatingOptions,
  type TaskRating,
} from "./ratings.ts";
export {
  aggregateCategorySets,
  type CategorySetAggregate,
  type CategorySetAnswer,
  type TaskCategorySet,
} from "./category-sets.ts";
