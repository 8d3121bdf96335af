import { dawidSkene, type DawidSkeneOptions } from "./dawid-skene.ts";
import { goldByTask, indexLabels } from "./indexing.ts";
import { majorityVote } from "./majority.ts";
import { tallyMajority, tallyPosterior, type LabelerQuality, type QualityOptions } from "./quality.ts";
import { ConsensusInputError, type LabelAnswer, type LabelColumns, type LabelMatrix } from "./types.ts";

export type LabelMethod = "dawid-skene" | "majority";

export interface AggregateLabelsOptions {
  /** Known answers, task id → class. Gold tasks keep their label and seed the labelers' estimates. */
  gold?: ReadonlyMap<string, string>;
  method?: LabelMethod;
  dawidSkene?: Omit<DawidSkeneOptions, "gold">;
  quality?: QualityOptions;
}

/** Result on integer indices and typed arrays: what the CLI and the benchmark use. */
export interface LabelMatrixAggregate {
  method: LabelMethod;
  matrix: LabelMatrix;
  gold: Int32Array;
  label: Int32Array;
  /** nTasks × nClasses posterior, row-major. */
  posterior: Float64Array;
  classPrior: Float64Array;
  workers: LabelerQuality[];
  iterations: number;
  converged: boolean;
}

export interface TaskConsensus {
  task: string;
  label: string;
  /** Posterior probability of `label`. */
  confidence: number;
  posterior: Record<string, number>;
  answers: number;
  gold: boolean;
}

export interface LabelAggregate {
  method: LabelMethod;
  classes: string[];
  classPrior: Record<string, number>;
  tasks: TaskConsensus[];
  workers: LabelerQuality[];
  iterations: number;
  converged: boolean;
}

/** Fails unless some answers overlap (or gold exists): without either, no labeler can be assessed. */
function assertEstimable(m: LabelMatrix, gold: Int32Array): void {
  for (let t = 0; t < m.taskIds.length; t++) {
    if (m.taskStart[t + 1] - m.taskStart[t] > 1 || gold[t] >= 0) return;
  }
  throw new ConsensusInputError("every task has only one answer, so answers cannot be compared (add overlap or gold)");
}

export function aggregateLabelMatrix(
  m: LabelMatrix,
  gold: Int32Array,
  options: Omit<AggregateLabelsOptions, "gold"> = {},
): LabelMatrixAggregate {
  assertEstimable(m, gold);
  const method = options.method ?? "dawid-skene";
  if (method === "majority") {
    const mv = majorityVote(m, gold);
    const K = m.classIds.length;
    const classPrior = new Float64Array(K);
    for (let i = 0; i < mv.posterior.length; i++) classPrior[i % K] += mv.posterior[i] / m.taskIds.length;
    const workers = tallyMajority(m, gold).summarize(m.workerIds, options.quality);
    return { method, matrix: m, gold, ...mv, classPrior, workers, iterations: 0, converged: true };
  }
  if (method !== "dawid-skene") throw new ConsensusInputError(`unknown method "${method as string}"`);
  const ds = dawidSkene(m, { ...options.dawidSkene, gold });
  const workers = tallyPosterior(m, ds.posterior, gold).summarize(m.workerIds, options.quality);
  return {
    method,
    matrix: m,
    gold,
    label: ds.label,
    posterior: ds.posterior,
    classPrior: ds.classPrior,
    workers,
    iterations: ds.iterations,
    converged: ds.converged,
  };
}

/**
 * Consensus label per task and a quality score per labeler. Dawid–Skene (the default) learns a confusion
 * matrix per labeler; "majority" is plain vote counting, kept as a baseline.
 */
export function aggregateLabels(
  answers: readonly LabelAnswer[] | LabelColumns,
  options: AggregateLabelsOptions = {},
): LabelAggregate {
  const m = indexLabels(answers, options.gold?.values() ?? []);
  const gold = goldByTask(m, options.gold);
  const r = aggregateLabelMatrix(m, gold, options);
  const K = m.classIds.length;
  const tasks = m.taskIds.map((task, t): TaskConsensus => {
    const posterior: Record<string, number> = {};
    for (let k = 0; k < K; k++) posterior[m.classIds[k]] = r.posterior[t * K + k];
    return {
      task,
      label: m.classIds[r.label[t]],
      confidence: r.posterior[t * K + r.label[t]],
      posterior,
      answers: m.taskStart[t + 1] - m.taskStart[t],
      gold: gold[t] >= 0,
    };
  });
  return {
    method: r.method,
    classes: m.classIds,
    classPrior: Object.fromEntries(m.classIds.map((c, k) => [c, r.classPrior[k]])),
    tasks,
    workers: r.workers,
    iterations: r.iterations,
    converged: r.converged,
  };
}
