import { majorityVote, type TaskPosteriors } from "./majority.ts";
import { argmax } from "./math.ts";
import type { LabelMatrix } from "./types.ts";

/**
 * Dirichlet pseudo-answers added to every row of every labeler's confusion matrix, and the other knobs of EM.
 * Row k (truth k) of labeler w gets, before their own answers are counted,
 *   pool × μ_w,k + diagonal × [answer = k] + uniform / K pseudo-answers,
 * where the prior mean μ_w,k puts the labeler's overall accuracy a_w on the diagonal (their share of right
 * answers, shrunk towards the crowd's by `accuracyShrinkage` pseudo-answers) and spreads 1 − a_w over the
 * other answers in the proportions of the crowd's pooled confusion matrix. So a labeler with a handful of
 * answers is modelled by one number, like the average labeler's confusions scaled to their accuracy, and
 * gets a full matrix of their own once their answers support it. `diagonal` is the modest prior belief that
 * labelers beat chance, which also keeps EM away from label-switched solutions.
 */
export interface DawidSkeneOptions {
  gold?: Int32Array;
  pool?: number;
  /** Pseudo-answers pulling a labeler's overall accuracy towards the crowd's. */
  accuracyShrinkage?: number;
  diagonal?: number;
  uniform?: number;
  /** Pseudo-tasks per class when estimating class frequencies (Laplace smoothing). */
  classSmoothing?: number;
  maxIterations?: number;
  /** EM stops once no task posterior moves by more than this. */
  tolerance?: number;
}

export const DEFAULT_DAWID_SKENE: Required<Omit<DawidSkeneOptions, "gold">> = {
  pool: 8,
  accuracyShrinkage: 4,
  diagonal: 1,
  uniform: 0.5,
  classSmoothing: 1,
  maxIterations: 100,
  tolerance: 1e-4,
};

/** Textbook Dawid–Skene (maximum likelihood, almost no smoothing): the baseline the default is compared with. */
export const PLAIN_DAWID_SKENE: Required<Omit<DawidSkeneOptions, "gold">> = {
  pool: 0,
  accuracyShrinkage: 0,
  diagonal: 0,
  uniform: 1e-6,
  classSmoothing: 1e-6,
  maxIterations: 100,
  tolerance: 1e-6,
};

export interface DawidSkeneResult extends TaskPosteriors {
  classPrior: Float64Array;
  /** log P(answer l | truth k) for labeler w at [(w * K + l) * K + k]. */
  logConfusion: Float64Array;
  iterations: number;
  converged: boolean;
  /** Log-likelihood of the answers (and gold) plus the log-density of the pseudo-answers: what EM climbs. */
  objective: number;
  start: "majority" | "gold";
}

interface Work {
  m: LabelMatrix;
  K: number;
  gold: Int32Array;
  opts: Required<Omit<DawidSkeneOptions, "gold">>;
  /** Per answer, the offset of its (labeler, answer) block in `counts` and `logConfusion`. */
  key: Int32Array;
  /** Expected answer counts per labeler, [(w * K + l) * K + k]: answer l when the truth is k. */
  counts: Float64Array;
  classMass: Float64Array;
  logConfusion: Float64Array;
  logPrior: Float64Array;
  scratch: Float64Array;
}

/** Expected counts from posteriors (only gold tasks when `goldOnly`). */
function countFrom(w: Work, posterior: Float64Array, goldOnly: boolean): void {
  const { m, K, gold, key, counts, classMass } = w;
  counts.fill(0);
  classMass.fill(0);
  for (let t = 0; t < m.taskIds.length; t++) {
    if (goldOnly && gold[t] < 0) continue;
    const row = t * K;
    for (let k = 0; k < K; k++) classMass[k] += posterior[row + k];
    for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) {
      const base = key[e];
      for (let k = 0; k < K; k++) counts[base + k] += posterior[row + k];
    }
  }
}

/**
 * M-step: class prior and confusion matrices from the expected counts.
 * Returns the log-density of the pseudo-counts (the prior's part of the objective).
 */
function maximize(w: Work): number {
  const { K, opts, counts, classMass, logConfusion, logPrior } = w;
  const nWorkers = w.m.workerIds.length;
  let priorTerm = 0;
  let massTotal = 0;
  for (let k = 0; k < K; k++) massTotal += classMass[k] + opts.classSmoothing;
  for (let k = 0; k < K; k++) {
    logPrior[k] = Math.log((classMass[k] + opts.classSmoothing) / massTotal);
    priorTerm += opts.classSmoothing * logPrior[k];
  }

  // Pooled confusion rows (truth k → answer l), lightly smoothed so that no entry is 0.
  const pooledCounts = new Float64Array(K * K);
  const pooled = new Float64Array(K * K);
  for (let wk = 0; wk < nWorkers; wk++) {
    for (let i = 0; i < K * K; i++) pooledCounts[i] += counts[wk * K * K + i];
  }
  for (let k = 0; k < K; k++) {
    let rowSum = 0;
    for (let l = 0; l < K; l++) rowSum += pooledCounts[l * K + k] + 1 / K;
    for (let l = 0; l < K; l++) pooled[l * K + k] = (pooledCounts[l * K + k] + 1 / K) / rowSum;
  }

  // Each labeler's overall accuracy (a one-number summary, shrunk towards the crowd's) sets the diagonal
  // of the prior mean of their rows; the off-diagonal shape comes from the pooled matrix. A labeler with a
  // handful of answers thus gets a "one-coin" model, and a full matrix once the answers support it.
  let crowdDiagonal = 0;
  let crowdTotal = 0;
  for (let i = 0; i < K * K; i++) {
    crowdTotal += pooledCounts[i];
    if (Math.floor(i / K) === i % K) crowdDiagonal += pooledCounts[i];
  }
  const crowdAccuracy = crowdTotal > 0 ? crowdDiagonal / crowdTotal : 1 / K;
  const alpha = w.scratch;
  for (let wk = 0; wk < nWorkers; wk++) {
    const base = wk * K * K;
    let diagonalCount = 0;
    let total = 0;
    for (let i = 0; i < K * K; i++) {
      total += counts[base + i];
      if (Math.floor(i / K) === i % K) diagonalCount += counts[base + i];
    }
    const accuracy = (diagonalCount + opts.accuracyShrinkage * crowdAccuracy) / (total + opts.accuracyShrinkage);
    for (let k = 0; k < K; k++) {
      let offDiagonal = 0;
      for (let l = 0; l < K; l++) if (l !== k) offDiagonal += pooled[l * K + k];
      let rowSum = 0;
      for (let l = 0; l < K; l++) {
        const i = l * K + k;
        const mean =
          l === k ? accuracy : offDiagonal > 0 ? ((1 - accuracy) * pooled[i]) / offDiagonal : (1 - accuracy) / (K - 1);
        alpha[l] = opts.pool * mean + (l === k ? opts.diagonal : 0) + opts.uniform / K;
        rowSum += counts[base + i] + alpha[l];
      }
      for (let l = 0; l < K; l++) {
        const i = l * K + k;
        const logTheta = Math.log((counts[base + i] + alpha[l]) / rowSum);
        logConfusion[base + i] = logTheta;
        priorTerm += alpha[l] * logTheta;
      }
    }
  }
  return priorTerm;
}

/**
 * E-step fused with the counting of the next M-step: for each task, its posterior from the current
 * parameters (in place), then its answers' expected counts. One pass over the answers per iteration.
 * Returns [log-likelihood, largest posterior change].
 */
function expectAndCount(w: Work, posterior: Float64Array): [number, number] {
  const { m, K, gold, key, counts, classMass, logConfusion, logPrior } = w;
  const { taskStart } = m;
  const acc = w.scratch;
  counts.fill(0);
  classMass.fill(0);
  let logLik = 0;
  let maxDelta = 0;
  for (let t = 0; t < m.taskIds.length; t++) {
    const row = t * K;
    const first = taskStart[t];
    const last = taskStart[t + 1];
    for (let k = 0; k < K; k++) acc[k] = logPrior[k];
    for (let e = first; e < last; e++) {
      const base = key[e];
      for (let k = 0; k < K; k++) acc[k] += logConfusion[base + k];
    }
    if (gold[t] >= 0) {
      logLik += acc[gold[t]];
    } else {
      let max = acc[0];
      for (let k = 1; k < K; k++) if (acc[k] > max) max = acc[k];
      let sum = 0;
      for (let k = 0; k < K; k++) sum += acc[k] = Math.exp(acc[k] - max);
      logLik += max + Math.log(sum);
      for (let k = 0; k < K; k++) {
        const p = acc[k] / sum;
        const delta = Math.abs(p - posterior[row + k]);
        if (delta > maxDelta) maxDelta = delta;
        posterior[row + k] = p;
      }
    }
    for (let k = 0; k < K; k++) classMass[k] += posterior[row + k];
    for (let e = first; e < last; e++) {
      const base = key[e];
      for (let k = 0; k < K; k++) counts[base + k] += posterior[row + k];
    }
  }
  return [logLik, maxDelta];
}

function runEm(w: Work, posterior: Float64Array, start: "majority" | "gold"): DawidSkeneResult {
  countFrom(w, posterior, start === "gold");
  let priorTerm = 0;
  let logLik = 0;
  let iterations = 0;
  let converged = false;
  while (iterations < w.opts.maxIterations) {
    priorTerm = maximize(w);
    const [ll, delta] = expectAndCount(w, posterior);
    logLik = ll;
    iterations++;
    if (delta < w.opts.tolerance) {
      converged = true;
      break;
    }
  }
  const nTasks = w.m.taskIds.length;
  const label = new Int32Array(nTasks);
  for (let t = 0; t < nTasks; t++) label[t] = argmax(posterior, t * w.K, w.K);
  return {
    posterior,
    label,
    classPrior: w.logPrior.map(Math.exp),
    logConfusion: w.logConfusion.slice(),
    iterations,
    converged,
    objective: logLik + priorTerm,
    start,
  };
}

/**
 * Dawid–Skene EM with Dirichlet priors on every labeler's confusion matrix, started from majority vote.
 * With gold, gold tasks stay clamped to their label, and a second start seeds every labeler's confusion
 * matrix from their gold answers alone; the start that reaches the higher objective wins. That second
 * start rescues crowds whose majority is wrong (for instance mostly adversarial) when gold says so.
 */
export function dawidSkene(m: LabelMatrix, options: DawidSkeneOptions = {}): DawidSkeneResult {
  const K = m.classIds.length;
  const nWorkers = m.workerIds.length;
  const opts = { ...DEFAULT_DAWID_SKENE, ...definedOnly(options) };
  const gold = options.gold ?? new Int32Array(m.taskIds.length).fill(-1);
  const key = new Int32Array(m.worker.length);
  for (let e = 0; e < key.length; e++) key[e] = (m.worker[e] * K + m.label[e]) * K;
  const work = (): Work => ({
    m,
    K,
    gold,
    opts,
    key,
    counts: new Float64Array(nWorkers * K * K),
    classMass: new Float64Array(K),
    logConfusion: new Float64Array(nWorkers * K * K),
    logPrior: new Float64Array(K),
    scratch: new Float64Array(K),
  });
  let best = runEm(work(), majorityVote(m, gold).posterior, "majority");
  if (gold.some((g) => g >= 0)) {
    const seeded = runEm(work(), majorityVote(m, gold).posterior, "gold");
    if (seeded.objective > best.objective) best = seeded;
  }
  return best;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== "gold")) as Partial<T>;
}
