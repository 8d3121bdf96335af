import { LabelIndexer } from "./indexing.ts";
import { DEFAULT_QUALITY, type QualityOptions } from "./quality.ts";
import { ConsensusInputError, type LabelMatrix, type QualityFlag } from "./types.ts";

/** One rating: an integer on the scale [min, max] given by `worker` to `task`. */
export interface RatingAnswer {
  task: string;
  worker: string;
  value: number;
}

/**
 * Labeler w rates task t as u = a_w + b_w·z_t + noise, noise ~ N(0, σ_w²), everything in units of the scale's half
 * width around its middle (so the scale runs from −1 to 1). The priors, in pseudo-answers:
 * a_w ~ N(0, σ_w²/biasPrior), b_w ~ N(1, σ_w²/(scalePrior·s²)) with s² the spread of all ratings, σ_w² inverse-gamma
 * worth `noisePrior` answers at the crowd's within-task variance, z_t ~ N(crowd mean, s²); estimates are reported
 * within the scale.
 */
export interface RatingModelOptions {
  biasPrior?: number;
  scalePrior?: number;
  noisePrior?: number;
  maxIterations?: number;
  /** Stops once no task's estimate moves more than this (in half-widths of the scale). */
  tolerance?: number;
}

export const DEFAULT_RATING_MODEL: Required<RatingModelOptions> = {
  biasPrior: 2,
  scalePrior: 2,
  noisePrior: 4,
  maxIterations: 200,
  tolerance: 1e-6,
};

export interface RatingOptions {
  min: number;
  max: number;
  /** Known ratings, task → value on the scale: those tasks keep it, and seed the labelers' estimates. */
  gold?: ReadonlyMap<string, number>;
  model?: RatingModelOptions;
  quality?: QualityOptions;
}

export interface TaskRating {
  task: string;
  /** The consensus point: the estimate rounded onto the scale. */
  value: number;
  /** The model's estimate of the true rating (continuous, within the scale). */
  estimate: number;
  /** The plain mean of the ratings: the baseline. */
  mean: number;
  /** Posterior probability that the true rating rounds to `value`. */
  confidence: number;
  /** How many ratings each scale point got, from min to max. */
  scores: number[];
  answers: number;
  gold: boolean;
}

/**
 * A rating labeler's quality: quadratic-weighted agreement with the consensus estimate, chance-corrected.
 * accuracy: 1 − (mean squared distance from the consensus) / (scale width)²; chance: the same for their ratings
 * shuffled across their tasks (same mix, no looking); kappa = (accuracy − chance)/(1 − chance), which is Lin's
 * concordance correlation of their ratings with the consensus; quality = max(0, kappa) × n/(n + shrinkage).
 * offset, scale and noise are the fitted a_w, b_w and σ_w in scale points: a labeler who inverts the scale has a
 * negative scale.
 */
export interface RatingLabelerQuality {
  worker: string;
  quality: number;
  answers: number;
  accuracy: number;
  chance: number;
  kappa: number;
  offset: number;
  scale: number;
  noise: number;
  topAnswerShare: number;
  flags: QualityFlag[];
}

export interface RatingAggregate {
  tasks: TaskRating[];
  workers: RatingLabelerQuality[];
  iterations: number;
  converged: boolean;
  /** Log posterior density the fit climbs; with gold, the higher of the two starts wins. */
  objective: number;
  start: "mean" | "gold";
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26, absolute error below 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp((-x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

interface Fit {
  /** Posterior mean and variance of each task's true rating. */
  z: Float64Array;
  v: Float64Array;
  a: Float64Array;
  b: Float64Array;
  variance: Float64Array;
  iterations: number;
  converged: boolean;
  objective: number;
}

/** The data and constants every start shares. */
class RatingModel {
  readonly nTasks: number;
  readonly nWorkers: number;
  /** Per answer (in the matrix's order), the rating in half-widths around the middle. */
  readonly u: Float64Array;
  readonly goldZ: Float64Array;
  readonly priorMean: number;
  readonly priorVariance: number;
  readonly crowdNoise: number;
  readonly noiseFloor: number;

  constructor(
    readonly m: LabelMatrix,
    readonly points: Float64Array,
    readonly middle: number,
    readonly half: number,
    gold: Float64Array,
    readonly o: Required<RatingModelOptions>,
  ) {
    this.nTasks = m.taskIds.length;
    this.nWorkers = m.workerIds.length;
    const n = m.worker.length;
    this.u = new Float64Array(n);
    for (let e = 0; e < n; e++) this.u[e] = (points[m.label[e]] - middle) / half;
    this.goldZ = gold.map((g) => (Number.isNaN(g) ? g : (g - middle) / half));
    let sum = 0;
    let within = 0;
    let dof = 0;
    for (let t = 0; t < this.nTasks; t++) {
      const [from, to] = [m.taskStart[t], m.taskStart[t + 1]];
      let taskSum = 0;
      for (let e = from; e < to; e++) taskSum += this.u[e];
      for (let e = from; e < to; e++) within += (this.u[e] - taskSum / (to - from)) ** 2;
      dof += to - from - 1;
      sum += taskSum;
    }
    this.priorMean = sum / n;
    let squares = 0;
    for (let e = 0; e < n; e++) squares += (this.u[e] - this.priorMean) ** 2;
    // Ratings are integers: nobody is more precise than rounding, whose variance is 1/12 of a point squared.
    this.noiseFloor = 1 / (12 * half * half);
    this.priorVariance = Math.max(squares / n, this.noiseFloor);
    this.crowdNoise = Math.max(within / Math.max(dof, 1), this.noiseFloor);
  }

  private isGold(t: number): boolean {
    return !Number.isNaN(this.goldZ[t]);
  }

  private penalty(f: Fit, w: number): number {
    return this.o.biasPrior * f.a[w] ** 2 + this.o.scalePrior * this.priorVariance * (f.b[w] - 1) ** 2;
  }

  /**
   * M-step: each labeler's offset, scale and noise given the tasks' posteriors (only gold tasks' answers when
   * `goldOnly`). The regression uses E[z²] = ẑ² + v, not ẑ²: with the shrunk means alone the fitted scales would
   * grow while the estimates shrink towards the prior mean.
   */
  fitWorkers(f: Fit, goldOnly: boolean): void {
    const { m, u, o, nWorkers } = this;
    const sums = new Float64Array(nWorkers * 5);
    for (let t = 0; t < this.nTasks; t++) {
      if (goldOnly && !this.isGold(t)) continue;
      const z = f.z[t];
      const zz = z * z + f.v[t];
      for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) {
        const s = m.worker[e] * 5;
        sums[s]++;
        sums[s + 1] += z;
        sums[s + 2] += zz;
        sums[s + 3] += u[e];
        sums[s + 4] += z * u[e];
      }
    }
    const scaleWeight = o.scalePrior * this.priorVariance;
    for (let w = 0; w < nWorkers; w++) {
      const [n, sz, szz, su, szu] = sums.subarray(w * 5, w * 5 + 5);
      // Ridge normal equations for (a, b) with the priors a → 0, b → 1.
      const a11 = n + o.biasPrior;
      const a22 = szz + scaleWeight;
      const det = a11 * a22 - sz * sz;
      const r2 = szu + scaleWeight;
      f.a[w] = (su * a22 - sz * r2) / det;
      f.b[w] = (a11 * r2 - sz * su) / det;
    }
    const residual = new Float64Array(nWorkers);
    const count = new Float64Array(nWorkers);
    for (let t = 0; t < this.nTasks; t++) {
      if (goldOnly && !this.isGold(t)) continue;
      for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) {
        const w = m.worker[e];
        residual[w] += (u[e] - f.a[w] - f.b[w] * f.z[t]) ** 2 + f.b[w] ** 2 * f.v[t];
        count[w]++;
      }
    }
    for (let w = 0; w < nWorkers; w++) {
      const v = (residual[w] + this.penalty(f, w) + o.noisePrior * this.crowdNoise) / (count[w] + o.noisePrior);
      f.variance[w] = Math.max(v, this.noiseFloor);
    }
  }

  /** E-step: each task's Gaussian posterior given the labelers; returns the largest move of a mean. */
  fitTasks(f: Fit): number {
    const { m, u } = this;
    let moved = 0;
    for (let t = 0; t < this.nTasks; t++) {
      if (this.isGold(t)) continue;
      let precision = 1 / this.priorVariance;
      let num = this.priorMean / this.priorVariance;
      for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) {
        const w = m.worker[e];
        precision += (f.b[w] * f.b[w]) / f.variance[w];
        num += (f.b[w] * (u[e] - f.a[w])) / f.variance[w];
      }
      const z = num / precision;
      moved = Math.max(moved, Math.abs(z - f.z[t]));
      f.z[t] = z;
      f.v[t] = 1 / precision;
    }
    return moved;
  }

  /** Log posterior of the labelers' parameters with every task's rating integrated out (constants dropped). */
  objective(f: Fit): number {
    const { m, u, o } = this;
    let total = 0;
    for (let w = 0; w < this.nWorkers; w++) {
      const v = f.variance[w];
      total -= (this.penalty(f, w) + o.noisePrior * this.crowdNoise) / (2 * v) + (o.noisePrior / 2) * Math.log(v);
    }
    const s2 = this.priorVariance;
    for (let t = 0; t < this.nTasks; t++) {
      const gold = this.isGold(t);
      let logDet = 0;
      let quad = 0;
      let sbb = 0;
      let sbr = 0;
      for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) {
        const w = m.worker[e];
        const r = u[e] - f.a[w] - f.b[w] * (gold ? this.goldZ[t] : this.priorMean);
        logDet += Math.log(f.variance[w]);
        quad += (r * r) / f.variance[w];
        sbb += (f.b[w] * f.b[w]) / f.variance[w];
        sbr += (f.b[w] * r) / f.variance[w];
      }
      // Marginally the task's ratings are Gaussian with covariance diag(σ²) + s²·b·bᵀ (matrix determinant lemma).
      if (!gold) {
        logDet += Math.log(1 + s2 * sbb);
        quad -= (s2 * sbr * sbr) / (1 + s2 * sbb);
      }
      total -= (logDet + quad) / 2;
    }
    return total;
  }

  /** EM from a start: task means, or labelers measured on gold alone. */
  run(start: "mean" | "gold"): Fit {
    const { m, u } = this;
    const f: Fit = {
      z: new Float64Array(this.nTasks),
      v: new Float64Array(this.nTasks),
      a: new Float64Array(this.nWorkers),
      b: new Float64Array(this.nWorkers).fill(1),
      variance: new Float64Array(this.nWorkers).fill(this.crowdNoise),
      iterations: 0,
      converged: false,
      objective: 0,
    };
    for (let t = 0; t < this.nTasks; t++) {
      if (this.isGold(t)) f.z[t] = this.goldZ[t];
      else if (start === "mean") {
        let s = 0;
        for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) s += u[e];
        f.z[t] = s / (m.taskStart[t + 1] - m.taskStart[t]);
      }
    }
    if (start === "gold") {
      this.fitWorkers(f, true);
      this.fitTasks(f);
    }
    while (f.iterations < this.o.maxIterations) {
      f.iterations++;
      this.fitWorkers(f, false);
      if (this.fitTasks(f) < this.o.tolerance) {
        f.converged = true;
        break;
      }
    }
    f.objective = this.objective(f);
    return f;
  }
}

/** A posterior mean (in half-widths) as a rating, within the scale: the truth lies on it. */
const onScale = (model: RatingModel, z: number) => model.middle + model.half * Math.max(-1, Math.min(1, z));

function ratingQuality(
  model: RatingModel,
  fit: Fit,
  range: number,
  options: QualityOptions = {},
): RatingLabelerQuality[] {
  const { shrinkage, minAnswersToFlag } = { ...DEFAULT_QUALITY, ...options };
  const { m, points, nWorkers } = model;
  const K = points.length;
  const n = new Float64Array(nWorkers);
  const sums = new Float64Array(nWorkers * 5);
  const counts = new Float64Array(nWorkers * K);
  for (let t = 0; t < model.nTasks; t++) {
    const consensus = onScale(model, fit.z[t]);
    for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) {
      const w = m.worker[e];
      const y = points[m.label[e]];
      n[w]++;
      counts[w * K + m.label[e]]++;
      const s = w * 5;
      sums[s] += y;
      sums[s + 1] += y * y;
      sums[s + 2] += consensus;
      sums[s + 3] += consensus * consensus;
      sums[s + 4] += (y - consensus) ** 2;
    }
  }
  const width2 = range * range;
  return m.workerIds.map((worker, w) => {
    const k = n[w];
    const [sy, syy, sc, scc, sd] = sums.subarray(w * 5, w * 5 + 5);
    const observed = sd / k;
    const [meanY, meanC] = [sy / k, sc / k];
    const expected = Math.max(0, syy / k - meanY ** 2) + Math.max(0, scc / k - meanC ** 2) + (meanY - meanC) ** 2;
    const kappa = expected > 1e-12 ? 1 - observed / expected : 0;
    let top = 0;
    for (let p = 0; p < K; p++) top = Math.max(top, counts[w * K + p] / k);
    const scale = fit.b[w];
    const flags: QualityFlag[] = [];
    if (k >= minAnswersToFlag) {
      if (top >= 0.95 && kappa < 0.2) flags.push("constant");
      // Against the scale: a negative fitted scale, and a concordance over 2 standard errors (about 1/√n) below 0.
      else if (kappa <= -0.1 && kappa < -2 / Math.sqrt(k) && scale < 0) flags.push("adversarial");
      else if (kappa < 0.15) flags.push("random");
    }
    return {
      worker,
      quality: Math.max(0, Math.min(1, kappa)) * (k / (k + shrinkage)),
      answers: k,
      accuracy: 1 - observed / width2,
      chance: 1 - expected / width2,
      kappa,
      offset: fit.a[w] * model.half,
      scale,
      noise: Math.sqrt(fit.variance[w]) * model.half,
      topAnswerShare: top,
      flags,
    };
  });
}

/**
 * Consensus ratings with each labeler's offset, scale and noise (see RatingModelOptions), fitted by EM (each
 * target's Gaussian posterior, then a ridge regression per labeler); the plain mean is reported beside each
 * estimate. A labeler with a bias, a compressed scale or an inverted one is corrected rather than averaged in, a
 * random clicker's weight b²/σ² falls towards 0. With gold,
 * a second start measures the labelers on the gold tasks alone and the start with the higher posterior wins,
 * which recovers a crowd whose majority inverts the scale.
 */
export function aggregateRatings(answers: readonly RatingAnswer[], options: RatingOptions): RatingAggregate {
  const { min, max } = options;
  if (!Number.isInteger(min) || !Number.isInteger(max) || max <= min)
    throw new ConsensusInputError(`a rating scale needs integers min < max, got ${min} and ${max}`);
  const indexer = new LabelIndexer();
  answers.forEach((a, row) => {
    if (!Number.isInteger(a.value) || a.value < min || a.value > max)
      throw new ConsensusInputError(
        `answer ${row + 1}: rating must be an integer from ${min} to ${max}, got ${a.value}`,
      );
    indexer.add(a.task, a.worker, String(a.value));
  });
  const m = indexer.finish();
  const points = Float64Array.from(m.classIds, Number);
  const gold = new Float64Array(m.taskIds.length).fill(NaN);
  const taskIndex = new Map(m.taskIds.map((id, t) => [id, t]));
  for (const [task, value] of options.gold ?? []) {
    const t = taskIndex.get(task);
    if (t === undefined) continue;
    if (!Number.isInteger(value) || value < min || value > max)
      throw new ConsensusInputError(`gold rating of task "${task}" must be an integer from ${min} to ${max}`);
    gold[t] = value;
  }
  let estimable = false;
  for (let t = 0; t < m.taskIds.length && !estimable; t++)
    estimable = m.taskStart[t + 1] - m.taskStart[t] > 1 || !Number.isNaN(gold[t]);
  if (!estimable)
    throw new ConsensusInputError(
      "every task has only one answer, so answers cannot be compared (add overlap or gold)",
    );

  const model = new RatingModel(m, points, (min + max) / 2, (max - min) / 2, gold, {
    ...DEFAULT_RATING_MODEL,
    ...options.model,
  });
  let fit = model.run("mean");
  let start: RatingAggregate["start"] = "mean";
  if (gold.some((g) => !Number.isNaN(g))) {
    const fromGold = model.run("gold");
    if (fromGold.objective > fit.objective) [fit, start] = [fromGold, "gold"];
  }

  const tasks = m.taskIds.map((task, t): TaskRating => {
    const from = m.taskStart[t];
    const to = m.taskStart[t + 1];
    const scores = new Array<number>(max - min + 1).fill(0);
    let sum = 0;
    for (let e = from; e < to; e++) {
      scores[points[m.label[e]] - min]++;
      sum += points[m.label[e]];
    }
    const isGold = !Number.isNaN(gold[t]);
    const estimate = onScale(model, fit.z[t]);
    const value = Math.round(estimate);
    const mean = model.middle + model.half * fit.z[t];
    const sd = model.half * Math.sqrt(fit.v[t]);
    const above = value === max ? 1 : normalCdf((value + 0.5 - mean) / sd);
    const below = value === min ? 0 : normalCdf((value - 0.5 - mean) / sd);
    return {
      task,
      value,
      estimate,
      mean: sum / (to - from),
      confidence: isGold ? 1 : above - below,
      scores,
      answers: to - from,
      gold: isGold,
    };
  });
  return {
    tasks,
    workers: ratingQuality(model, fit, max - min, options.quality),
    iterations: fit.iterations,
    converged: fit.converged,
    objective: fit.objective,
    start,
  };
}
