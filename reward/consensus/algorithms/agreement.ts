import { indexLabels } from "./indexing.ts";
import type { LabelAnswer, LabelColumns, LabelMatrix } from "./types.ts";

type LabelInput = LabelMatrix | readonly LabelAnswer[] | LabelColumns;

function asMatrix(input: LabelInput): LabelMatrix {
  return "taskStart" in input ? input : indexLabels(input);
}

/** Per task, how many answers each class got (tasks × classes). */
function classCounts(m: LabelMatrix): Float64Array {
  const K = m.classIds.length;
  const counts = new Float64Array(m.taskIds.length * K);
  for (let t = 0; t < m.taskIds.length; t++) {
    for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) counts[t * K + m.label[e]]++;
  }
  return counts;
}

/**
 * Krippendorff's alpha for nominal data; missing answers are simply absent. Tasks with fewer than two
 * answers carry no information about agreement and are skipped. 1 = perfect agreement, 0 = chance,
 * < 0 = systematic disagreement; NaN when the answers use a single class (no expected disagreement).
 */
export function krippendorffAlpha(input: LabelInput): number {
  const m = asMatrix(input);
  const K = m.classIds.length;
  const counts = classCounts(m);
  const coincidence = new Float64Array(K * K);
  for (let t = 0; t < m.taskIds.length; t++) {
    const n = m.taskStart[t + 1] - m.taskStart[t];
    if (n < 2) continue;
    for (let c = 0; c < K; c++) {
      const nc = counts[t * K + c];
      if (nc === 0) continue;
      for (let k = 0; k < K; k++) {
        const pairs = c === k ? nc * (nc - 1) : nc * counts[t * K + k];
        coincidence[c * K + k] += pairs / (n - 1);
      }
    }
  }
  const marginal = new Float64Array(K);
  let total = 0;
  for (let c = 0; c < K; c++) {
    for (let k = 0; k < K; k++) marginal[c] += coincidence[c * K + k];
    total += marginal[c];
  }
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < K; c++) {
    for (let k = 0; k < K; k++) {
      if (c === k) continue;
      observed += coincidence[c * K + k];
      expected += (marginal[c] * marginal[k]) / (total - 1);
    }
  }
  return expected > 0 ? 1 - observed / expected : Number.NaN;
}

/**
 * Fleiss' kappa, generalised to a varying number of answers per task (each task's agreement is computed
 * from its own number of answers; tasks with fewer than two are skipped). NaN when chance agreement is 1.
 */
export function fleissKappa(input: LabelInput): number {
  const m = asMatrix(input);
  const K = m.classIds.length;
  const counts = classCounts(m);
  const classTotal = new Float64Array(K);
  let answers = 0;
  let agreementSum = 0;
  let tasks = 0;
  for (let t = 0; t < m.taskIds.length; t++) {
    const n = m.taskStart[t + 1] - m.taskStart[t];
    if (n < 2) continue;
    let agreeingPairs = 0;
    for (let k = 0; k < K; k++) {
      const c = counts[t * K + k];
      agreeingPairs += c * (c - 1);
      classTotal[k] += c;
    }
    agreementSum += agreeingPairs / (n * (n - 1));
    answers += n;
    tasks++;
  }
  if (tasks === 0) return Number.NaN;
  let chance = 0;
  for (let k = 0; k < K; k++) chance += (classTotal[k] / answers) ** 2;
  return chance < 1 ? (agreementSum / tasks - chance) / (1 - chance) : Number.NaN;
}

export interface HistogramBin {
  lower: number;
  upper: number;
  count: number;
}

/**
 * Histogram of per-task consensus confidence (the posterior probability of the chosen label) over
 * `bins` equal-width bins of [0, 1]; the last bin includes 1.
 */
export function confidenceHistogram(confidence: ArrayLike<number>, bins = 10): HistogramBin[] {
  const out = Array.from({ length: bins }, (_, i) => ({ lower: i / bins, upper: (i + 1) / bins, count: 0 }));
  for (let i = 0; i < confidence.length; i++) {
    const c = confidence[i];
    if (!(c >= 0 && c <= 1)) continue;
    out[Math.min(bins - 1, Math.floor(c * bins))].count++;
  }
  return out;
}

/** Largest posterior of each task from a tasks × classes posterior matrix. */
export function posteriorMax(posterior: Float64Array, classes: number): Float64Array {
  const out = new Float64Array(posterior.length / classes);
  for (let t = 0; t < out.length; t++) {
    let best = 0;
    for (let k = 0; k < classes; k++) best = Math.max(best, posterior[t * classes + k]);
    out[t] = best;
  }
  return out;
}
