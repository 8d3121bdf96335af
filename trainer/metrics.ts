/**
 * Held-out measures of a reward model from its margins d = r(chosen) − r(rejected). Accuracy counts a
 * pair as right when d > 0 and as half right when d = 0; ties carry no preference and are left out of
 * accuracy and calibration (they still count in the loss).
 */

export interface PairOutcome {
  margin: number;
  weight: number;
  tie: boolean;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** The training objective, in float64: weighted mean Bradley–Terry loss, a tie being half a win each way. */
export function bradleyTerryLoss(outcomes: readonly PairOutcome[]): number {
  let loss = 0;
  let weight = 0;
  for (const { margin, weight: w, tie } of outcomes) {
    loss += w * (tie ? 0.5 * softplus(-margin) + 0.5 * softplus(margin) : softplus(-margin));
    weight += w;
  }
  return weight > 0 ? loss / weight : 0;
}

/** Share of preferences (ties left out) that the margins order correctly; NaN with no preferences. */
export function pairAccuracy(margins: ArrayLike<number>, ties?: ArrayLike<boolean>): { accuracy: number; n: number } {
  let right = 0;
  let n = 0;
  for (let i = 0; i < margins.length; i++) {
    if (ties?.[i]) continue;
    n++;
    right += margins[i] > 0 ? 1 : margins[i] === 0 ? 0.5 : 0;
  }
  return { accuracy: n ? right / n : Number.NaN, n };
}

/** Mean squared error of P(chosen wins) = σ(d) against the observed outcome (the chosen response won). */
export function brierScore(margins: readonly number[]): number {
  return margins.reduce((s, d) => s + (1 - sigmoid(d)) ** 2, 0) / margins.length;
}

/**
 * Expected calibration error over `bins` equal-width bins. Each pair is counted from both sides (p with
 * outcome 1, and 1 − p with outcome 0) so that the bins do not depend on which response is called "chosen".
 */
export function expectedCalibrationError(margins: readonly number[], bins = 10): number {
  const count = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  const wins = new Float64Array(bins);
  const add = (p: number, won: number) => {
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]++;
    confidence[b] += p;
    wins[b] += won;
  };
  for (const d of margins) {
    const p = sigmoid(d);
    add(p, 1);
    add(1 - p, 0);
  }
  let error = 0;
  for (let b = 0; b < bins; b++) if (count[b]) error += Math.abs(confidence[b] - wins[b]);
  return error / (2 * margins.length);
}
