import { argmax } from "./math.ts";
import type { LabelMatrix } from "./types.ts";

export interface TaskPosteriors {
  /** nTasks × nClasses, row-major: posterior[t * K + k] = P(truth of task t is class k). */
  posterior: Float64Array;
  /** Most probable class per task; the lowest class number wins a tie. */
  label: Int32Array;
}

/**
 * (Weighted) majority vote: each task's posterior is the share of (weighted) votes per class.
 * Gold tasks take their gold label with certainty. A task whose votes all weigh 0 gets a uniform row.
 */
export function majorityVote(m: LabelMatrix, gold?: Int32Array, workerWeight?: Float64Array): TaskPosteriors {
  const nTasks = m.taskIds.length;
  const K = m.classIds.length;
  const posterior = new Float64Array(nTasks * K);
  const label = new Int32Array(nTasks);
  for (let t = 0; t < nTasks; t++) {
    const row = t * K;
    if (gold && gold[t] >= 0) {
      posterior[row + gold[t]] = 1;
      label[t] = gold[t];
      continue;
    }
    let total = 0;
    for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) {
      const weight = workerWeight ? workerWeight[m.worker[e]] : 1;
      posterior[row + m.label[e]] += weight;
      total += weight;
    }
    for (let k = 0; k < K; k++) posterior[row + k] = total > 0 ? posterior[row + k] / total : 1 / K;
    label[t] = argmax(posterior, row, K);
  }
  return { posterior, label };
}

/**
 * Wawa ("worker agreement with aggregate"): majority vote weighted by each labeler's agreement with plain
 * majority vote. A baseline from Crowd-Kit, kept for comparisons.
 */
export function wawa(m: LabelMatrix, gold?: Int32Array): TaskPosteriors {
  const first = majorityVote(m, gold);
  const agree = new Float64Array(m.workerIds.length);
  const total = new Float64Array(m.workerIds.length);
  for (let t = 0; t < m.taskIds.length; t++) {
    for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) {
      total[m.worker[e]]++;
      if (m.label[e] === first.label[t]) agree[m.worker[e]]++;
    }
  }
  return majorityVote(
    m,
    gold,
    agree.map((a, w) => a / total[w]),
  );
}
