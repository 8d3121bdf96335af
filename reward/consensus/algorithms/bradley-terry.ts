import type { PairMatrix } from "./types.ts";

/**
 * Bradley–Terry with labeler reliability and position bias (Crowd-BT style).
 *
 * Item i has a score s_i (log-strength). Labeler w compares left item a with right item b: with probability
 * eta_w they answer honestly, P(left) = σ(s_a − s_b + beta_w), otherwise they flip the comparison,
 * P(left) = σ(s_b − s_a + beta_w). beta_w > 0 is a pull towards the left side. A tie counts as half a win
 * for each side. Fitted by EM: the E-step gives each answer's probability of being honest, the M-step updates
 * eta_w in closed form (with a Beta prior leaning towards honesty, which also fixes the otherwise
 * unidentifiable "everyone flips" mirror solution), and takes damped simultaneous Newton steps on all scores
 * and biases, each with a Gaussian (L2) prior so that disconnected items and items that never lose stay
 * finite. The score prior also stops a known drift of this mixture: without it, scores can grow without
 * bound while the reliabilities fall to explain the same answers. Everything runs from plain Bradley–Terry.
 *
 * With learnReliability and learnPositionBias off and l2 = 0 this is plain Bradley–Terry maximum likelihood.
 * Weighted answers (PairMatrix.weight) count as that many answers in every sum.
 */
export interface BradleyTerryOptions {
  learnReliability?: boolean;
  learnPositionBias?: boolean;
  /** Precision of the N(0, 1/l2) prior on item scores. */
  l2?: number;
  /** Precision of the N(0, 1/biasL2) prior on each labeler's position bias. */
  biasL2?: number;
  /** Beta(honest, flipped) pseudo-answers on each labeler's reliability. */
  reliabilityPrior?: [number, number];
  maxIterations?: number;
  /** Stops once the root-mean-square change of the scores in an iteration falls below this. */
  tolerance?: number;
  /**
   * Scores known in advance (gold): item index → score. They stay fixed, so the answers on them measure each
   * labeler's reliability and bias against the truth, and through those the rest of the scores.
   */
  fixed?: ReadonlyMap<number, number>;
}

export const DEFAULT_BRADLEY_TERRY: Required<Omit<BradleyTerryOptions, "fixed">> = {
  learnReliability: true,
  learnPositionBias: true,
  l2: 0.2,
  biasL2: 1,
  reliabilityPrior: [4, 1],
  maxIterations: 200,
  tolerance: 1e-4,
};

export interface BradleyTerryResult {
  scores: Float64Array;
  reliability: Float64Array;
  positionBias: Float64Array;
  /** Per answer: posterior probability that the labeler answered honestly. */
  honesty: Float64Array;
  iterations: number;
  converged: boolean;
}

/** Share of the Newton step taken in the simultaneous update; below 1 to damp oscillation between neighbours. */
const DAMPING = 0.7;
const clamp = (step: number) => (step > 2 ? 2 : step < -2 ? -2 : step);
/** Scores and biases are kept within ±LIMIT so that their exponentials stay finite. */
const LIMIT = 30;
const bound = (x: number) => (x > LIMIT ? LIMIT : x < -LIMIT ? -LIMIT : x);

export function bradleyTerry(p: PairMatrix, options: BradleyTerryOptions = {}): BradleyTerryResult {
  const o: Required<Omit<BradleyTerryOptions, "fixed">> = {
    ...DEFAULT_BRADLEY_TERRY,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
  const nItems = p.itemIds.length;
  const nWorkers = p.workerIds.length;
  const nAnswers = p.left.length;
  const scores = new Float64Array(nItems);
  const fixed = new Uint8Array(nItems);
  for (const [i, score] of options.fixed ?? []) {
    if (i < 0 || i >= nItems) continue;
    scores[i] = bound(score);
    fixed[i] = 1;
  }
  const anyFixed = (options.fixed?.size ?? 0) > 0;
  const reliability = new Float64Array(nWorkers).fill(1);
  const bias = new Float64Array(nWorkers);
  const honesty = new Float64Array(nAnswers).fill(1);
  const [honestPrior, flippedPrior] = o.reliabilityPrior;
  const { l2, biasL2 } = o;
  const { left, right, worker, choice, weight } = p;
  const gradient = new Float64Array(nItems);
  const curvature = new Float64Array(nItems);
  const biasGradient = new Float64Array(nWorkers);
  const biasCurvature = new Float64Array(nWorkers);
  const honestSum = new Float64Array(nWorkers);
  const answerCount = new Float64Array(nWorkers);
  for (let e = 0; e < nAnswers; e++) answerCount[worker[e]] += weight ? weight[e] : 1;

  /**
   * One pass over the answers: E-step (honesty of each answer under the current parameters) fused with
   * the gradients and curvatures of the M-step, then a simultaneous (Jacobi) Newton step on every score and
   * bias, and the closed-form reliability update. Returns the root-mean-square score change.
   */
  const expNegScore = new Float64Array(nItems);
  const expNegBias = new Float64Array(nWorkers);
  const iterate = (learnReliability: boolean, learnBias: boolean): number => {
    gradient.fill(0);
    curvature.fill(l2);
    biasGradient.fill(0);
    biasCurvature.fill(biasL2);
    honestSum.fill(0);
    // σ(d + β) = 1 / (1 + e^{-s_a} e^{s_b} e^{-β}): with the exponentials cached per item and per labeler,
    // the pass over the answers needs no transcendental function at all.
    for (let i = 0; i < nItems; i++) expNegScore[i] = Math.exp(-scores[i]);
    for (let w = 0; w < nWorkers; w++) expNegBias[w] = Math.exp(-bias[w]);
    for (let e = 0; e < nAnswers; e++) {
      const a = left[e];
      const b = right[e];
      const w = worker[e];
      const y = choice[e];
      const wt = weight ? weight[e] : 1;
      const ratio = expNegScore[a] / expNegScore[b];
      const p1 = 1 / (1 + ratio * expNegBias[w]);
      const p0 = learnBias ? 1 / (1 + expNegBias[w] / ratio) : 1 - p1;
      let r = 1;
      if (learnReliability) {
        const eta = reliability[w];
        const l1 = y === 1 ? p1 : y === 0 ? 1 - p1 : Math.sqrt(p1 * (1 - p1));
        const l0 = y === 1 ? p0 : y === 0 ? 1 - p0 : Math.sqrt(p0 * (1 - p0));
        const honest = eta * l1;
        const denominator = honest + (1 - eta) * l0;
        r = denominator > 0 ? honest / denominator : eta;
        honesty[e] = r;
        honestSum[w] += r * wt;
      }
      // Multiplying by a weight of 1 is exact, so unweighted answers give bit-identical fits.
      const g1 = wt * r * (y - p1);
      const g0 = wt * (1 - r) * (y - p0);
      const h = wt * (r * p1 * (1 - p1) + (1 - r) * p0 * (1 - p0));
      gradient[a] += g1 - g0;
      gradient[b] -= g1 - g0;
      curvature[a] += h;
      curvature[b] += h;
      if (learnBias) {
        biasGradient[w] += g1 + g0;
        biasCurvature[w] += h;
      }
    }
    let squaredSteps = 0;
    let mean = 0;
    for (let i = 0; i < nItems; i++) {
      if (fixed[i]) continue;
      const step = clamp((DAMPING * (gradient[i] - l2 * scores[i])) / curvature[i]);
      scores[i] = bound(scores[i] + step);
      mean += scores[i] / nItems;
      squaredSteps += step * step;
    }
    // Scores are only defined up to a constant without the prior (or fixed ones); pin their mean to 0.
    if (l2 === 0 && !anyFixed) for (let i = 0; i < nItems; i++) scores[i] -= mean;
    if (learnBias) {
      for (let w = 0; w < nWorkers; w++)
        bias[w] = bound(bias[w] + clamp((biasGradient[w] - biasL2 * bias[w]) / biasCurvature[w]));
    }
    if (learnReliability) {
      for (let w = 0; w < nWorkers; w++) {
        reliability[w] = (honestSum[w] + honestPrior) / (answerCount[w] + honestPrior + flippedPrior);
      }
    }
    return Math.sqrt(squaredSteps / nItems);
  };

  // Plain Bradley–Terry first (everyone honest and unbiased): that start lies on the honest side of the
  // mirror symmetry, where EM then stays.
  const learning = o.learnReliability || o.learnPositionBias;
  let iterations = 0;
  let converged = false;
  const plainIterations = learning ? Math.min(20, o.maxIterations) : o.maxIterations;
  while (iterations < plainIterations) {
    iterations++;
    if (iterate(false, false) < (learning ? 1e-3 : o.tolerance)) {
      converged = !learning;
      break;
    }
  }
  if (learning) {
    if (o.learnReliability) reliability.fill(honestPrior / (honestPrior + flippedPrior));
    for (let it = 0; it < o.maxIterations; it++) {
      iterations++;
      if (iterate(o.learnReliability, o.learnPositionBias) < o.tolerance) {
        converged = true;
        break;
      }
    }
  }
  return { scores, reliability, positionBias: bias, honesty, iterations, converged };
}
