import { confidenceHistogram, fleissKappa, krippendorffAlpha, posteriorMax, type HistogramBin } from "./agreement.ts";
import { aggregateLabelMatrix } from "./labels.ts";
import { aggregatePairMatrix, goldScores, type GoldComparison, type PairLabelerQuality } from "./pairs.ts";
import type { LabelerQuality } from "./quality.ts";
import type { LabelMatrix, PairMatrix } from "./types.ts";

/** Everything the CLI prints and the product stores for categorical answers, unrounded. */
export interface LabelSummary {
  kind: "labels";
  method: string;
  classes: string[];
  iterations: number;
  converged: boolean;
  agreement: { krippendorffAlpha: number; fleissKappa: number };
  confidenceHistogram: HistogramBin[];
  tasks: Array<{
    task: string;
    label: string;
    confidence: number;
    posterior: number[];
    answers: number;
    gold: boolean;
  }>;
  workers: LabelerQuality[];
}

export interface PairSummary {
  kind: "pairs";
  iterations: number;
  converged: boolean;
  items: Array<{ item: string; score: number }>;
  workers: PairLabelerQuality[];
}

/** Dawid–Skene consensus per task with agreement statistics; `gold` holds a class index per task or -1. */
export function summarizeLabels(m: LabelMatrix, gold: Int32Array): LabelSummary {
  const r = aggregateLabelMatrix(m, gold);
  const K = m.classIds.length;
  return {
    kind: "labels",
    method: r.method,
    classes: m.classIds,
    iterations: r.iterations,
    converged: r.converged,
    agreement: { krippendorffAlpha: krippendorffAlpha(m), fleissKappa: fleissKappa(m) },
    confidenceHistogram: confidenceHistogram(posteriorMax(r.posterior, K), 10),
    tasks: m.taskIds.map((task, t) => ({
      task,
      label: m.classIds[r.label[t]],
      confidence: r.posterior[t * K + r.label[t]],
      posterior: Array.from(r.posterior.subarray(t * K, (t + 1) * K)),
      answers: m.taskStart[t + 1] - m.taskStart[t],
      gold: gold[t] >= 0,
    })),
    workers: r.workers,
  };
}

/** Bradley–Terry scores per item with each labeler's reliability, position bias and quality; gold pins scores. */
export function summarizePairs(p: PairMatrix, gold: readonly GoldComparison[] = []): PairSummary {
  const { fit, workers } = aggregatePairMatrix(p, { bradleyTerry: { fixed: goldScores(p, gold) } });
  return {
    kind: "pairs",
    iterations: fit.iterations,
    converged: fit.converged,
    items: p.itemIds.map((item, i) => ({ item, score: fit.scores[i] })),
    workers,
  };
}
