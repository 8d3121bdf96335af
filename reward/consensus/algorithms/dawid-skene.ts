import { majorityVote, type TaskPosteriors } from "./majority.ts";
import { argmax } from "./math.ts";
import type { LabelMatrix } from "./types.ts";

/**
 * Dirichlet pseudo-answers added to every row of every labeler's confusion matrix, and the other knobs of EM.
 * Row k (truth k) of labeler w gets, before their own answers are counted,
 *   pool × (K − 1) × μ_w,k + diagonal × [answer = k] + uniform / K pseudo-answers.
 * The prior mean μ_w,k is the crowd's pooled row k (what labelers answer when the truth is k, so a rare class
 * that the crowd often misses keeps its own, lower, diagonal) with its diagonal moved in log-odds by one
 * number per labeler, δ_w: the shift that makes the labeler's expected right answers match their share of
 * answers that agree with the consensus of the *other* answers, shrunk towards δ = 0 (the crowd) by
 * `accuracyShrinkage` pseudo-answers. So a labeler with a handful of answers is modelled as the crowd, made
 * better or worse as a whole, and gets a full matrix of their own once their answers support it.
 * `diagonal` is the modest prior belief that labelers beat chance, which also keeps EM away from
 * label-switched solutions.
 */
export interface DawidSkeneOptions {
  gold?: Int32Array;
  /** Pseudo-answers per confusion row, per wrong answer it can hold (a row gets pool × (K − 1)). */
  pool?: number;
  /** Pseudo-answers pulling a labeler's skill shift towards the crowd's (δ = 0). */
  accuracyShrinkage?: number;
  /** Most answers one labeler contributes to the crowd's pooled confusion (a few heavy labelers must not set the prior of the many). */
  pooledCap?: number;
  diagonal?: number;
  uniform?: number;
  /** Pseudo-tasks per class when estimating class frequencies (Laplace smoothing). */
  classSmoothing?: number;
  maxIterations?: number;
  /** EM stops once no task posterior moves by more than this. */
  tolerance?: number;
}

export const DEFAULT_DAWID_SKENE: Required<Omit<DawidSkeneOptions, "gold">> = {
  pool: 5,
  accuracyShrinkage: 10,
  pooledCap: 50,
  diagonal: 0.5,
  uniform: 0.1,
  classSmoothing: 1,
  maxIterations: 100,
  tolerance: 1e-4,
};

/** Textbook Dawid–Skene (maximum likelihood, almost no smoothing): the baseline the default is compared with. */
export const PLAIN_DAWID_SKENE: Required<Omit<DawidSkeneOptions, "gold">> = {
  pool: 0,
  accuracyShrinkage: 0,
  pooledCap: Infinity,
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
  /** Per labeler, the expected number of their answers that the consensus of the task's other answers agrees with. */
  agreement: Float64Array;
  /** Per labeler, the skill shift δ of the last M-step (Newton's starting point in the next). */
  shift: Float64Array;
  classMass: Float64Array;
  logConfusion: Float64Array;
  /** 1 / exp(logConfusion), to take one answer back out of a task's posterior. */
  inverseConfusion: Float64Array;
  logPrior: Float64Array;
  scratch: Float64Array;
}

/**
 * Expected counts from the starting posteriors, majority vote (only gold tasks when `goldOnly`). An answer's
 * agreement is the share of the task's other answers that say the same (nothing is known with no other answer).
 */
function countFrom(w: Work, posterior: Float64Array, goldOnly: boolean): void {
  const { m, K, gold, key, counts, agreement, classMass } = w;
  counts.fill(0);
  agreement.fill(0);
  classMass.fill(0);
  for (let t = 0; t < m.taskIds.length; t++) {
    if (goldOnly && gold[t] < 0) continue;
    const row = t * K;
    const n = m.taskStart[t + 1] - m.taskStart[t];
    for (let k = 0; k < K; k++) classMass[k] += posterior[row + k];
    for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) {
      const base = key[e];
      for (let k = 0; k < K; k++) counts[base + k] += posterior[row + k];
      const share = posterior[row + m.label[e]];
      agreement[m.worker[e]] += gold[t] >= 0 ? share : n > 1 ? (share * n - 1) / (n - 1) : 1 / K;
    }
  }
}

/**
 * The crowd's confusion rows (truth k → answer l at [l * K + k]), lightly smoothed so that no entry is 0.
 * Each labeler counts with at most `pooledCap` answers: the prior is for the many labelers with few answers,
 * and a few heavy ones with their own habits would otherwise set it.
 */
function pooledConfusion(w: Work): Float64Array {
  const { K, opts, counts } = w;
  const pooledCounts = new Float64Array(K * K);
  for (let wk = 0; wk < w.m.workerIds.length; wk++) {
    const base = wk * K * K;
    let total = 0;
    for (let i = 0; i < K * K; i++) total += counts[base + i];
    const weight = total > opts.pooledCap ? opts.pooledCap / total : 1;
    for (let i = 0; i < K * K; i++) pooledCounts[i] += weight * counts[base + i];
  }
  const pooled = new Float64Array(K * K);
  for (let k = 0; k < K; k++) {
    let rowSum = 0;
    for (let l = 0; l < K; l++) rowSum += pooledCounts[l * K + k] + 1 / K;
    for (let l = 0; l < K; l++) pooled[l * K + k] = (pooledCounts[l * K + k] + 1 / K) / rowSum;
  }
  return pooled;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Labeler wk's skill relative to the crowd: the shift δ of the log-odds of the pooled diagonal for which their
 * expected right answers, Σ_k n_k σ(logit p_kk + δ), equal their answers that the other answers' consensus
 * agrees with; `accuracyShrinkage` pseudo-answers, spread as the classes are and right as often as the crowd's,
 * pull δ towards 0. Newton's method (steps capped, the sum being a flat-tailed sigmoid) from the last δ.
 */
function skillShift(
  w: Work,
  wk: number,
  logitDiagonal: Float64Array,
  classPrior: Float64Array,
  weight: Float64Array,
): number {
  const { K, counts, opts } = w;
  const base = wk * K * K;
  let target = w.agreement[wk];
  for (let k = 0; k < K; k++) {
    weight[k] = opts.accuracyShrinkage * classPrior[k];
    for (let l = 0; l < K; l++) weight[k] += counts[base + l * K + k];
    target += opts.accuracyShrinkage * classPrior[k] * sigmoid(logitDiagonal[k]);
  }
  let delta = w.shift[wk];
  for (let step = 0; step < 30; step++) {
    let f = -target;
    let slope = 0;
    for (let k = 0; k < K; k++) {
      const p = sigmoid(logitDiagonal[k] + delta);
      f += weight[k] * p;
      slope += weight[k] * p * (1 - p);
    }
    if (slope < 1e-12) break;
    const move = Math.max(-2, Math.min(2, f / slope));
    delta -= move;
    if (Math.abs(move) < 1e-9) break;
  }
  return delta;
}

/**
 * M-step: class prior and confusion matrices from the expected counts.
 * Returns the log-density of the pseudo-counts (the prior's part of the objective).
 */
function maximize(w: Work): number {
  const { K, opts, counts, classMass, logConfusion, inverseConfusion, logPrior } = w;
  const nWorkers = w.m.workerIds.length;
  let priorTerm = 0;
  let massTotal = 0;
  for (let k = 0; k < K; k++) massTotal += classMass[k] + opts.classSmoothing;
  const classPrior = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    classPrior[k] = (classMass[k] + opts.classSmoothing) / massTotal;
    logPrior[k] = Math.log(classPrior[k]);
    priorTerm += opts.classSmoothing * logPrior[k];
  }

  const pooled = pooledConfusion(w);
  const logitDiagonal = new Float64Array(K);
  for (let k = 0; k < K; k++) logitDiagonal[k] = Math.log(pooled[k * K + k] / (1 - pooled[k * K + k]));
  const pseudoAnswers = opts.pool * (K - 1);
  const alpha = w.scratch;
  const shiftWeight = new Float64Array(K);
  for (let wk = 0; wk < nWorkers; wk++) {
    const base = wk * K * K;
    if (pseudoAnswers > 0) w.shift[wk] = skillShift(w, wk, logitDiagonal, classPrior, shiftWeight);
    for (let k = 0; k < K; k++) {
      const diagonal = sigmoid(logitDiagonal[k] + w.shift[wk]);
      const offDiagonal = 1 - pooled[k * K + k];
      let rowSum = 0;
      for (let l = 0; l < K; l++) {
        const i = l * K + k;
        const mean = l === k ? diagonal : ((1 - diagonal) * pooled[i]) / offDiagonal;
        alpha[l] = pseudoAnswers * mean + (l === k ? opts.diagonal : 0) + opts.uniform / K;
        rowSum += counts[base + i] + alpha[l];
      }
      for (let l = 0; l < K; l++) {
        const i = l * K + k;
        const theta = (counts[base + i] + alpha[l]) / rowSum;
        inverseConfusion[base + i] = 1 / theta;
        logConfusion[base + i] = Math.log(theta);
        priorTerm += alpha[l] * logConfusion[base + i];
      }
    }
  }
  return priorTerm;
}

/**
 * E-step fused with the counting of the next M-step: for each task, its posterior from the current
 * parameters (in place), then its answers' expected counts and their agreement with the task's other
 * answers (the posterior with the answer's own likelihood divided back out). One pass over the answers.
 * Returns [log-likelihood, largest posterior change].
 */
function expectAndCount(w: Work, posterior: Float64Array): [number, number] {
  const { m, K, gold, key, counts, agreement, classMass, logConfusion, inverseConfusion, logPrior } = w;
  const { taskStart } = m;
  const acc = w.scratch;
  counts.fill(0);
  agreement.fill(0);
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
      const answer = m.label[e];
      for (let k = 0; k < K; k++) counts[base + k] += posterior[row + k];
      if (gold[t] >= 0) {
        agreement[m.worker[e]] += posterior[row + answer];
        continue;
      }
      let others = 0;
      for (let k = 0; k < K; k++) others += posterior[row + k] * inverseConfusion[base + k];
      agreement[m.worker[e]] += (posterior[row + answer] * inverseConfusion[base + answer]) / others;
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
    agreement: new Float64Array(nWorkers),
    shift: new Float64Array(nWorkers),
    classMass: new Float64Array(K),
    logConfusion: new Float64Array(nWorkers * K * K),
    inverseConfusion: new Float64Array(nWorkers * K * K),
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
