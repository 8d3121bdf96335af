/** Pieces shared by the simulated crowds (label-crowds.ts, pair-crowds.ts): weighted picks and zero-padded ids. */
import type { Rng } from "../../trainer/rng.ts";

/** `n` as a decimal string left-padded with zeros to `width` digits. */
export const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Running totals of `weights`, for pickWeighted. */
export function cumulativeWeights(weights: number[]): Float64Array {
  const cumulative = new Float64Array(weights.length);
  weights.forEach((w, i) => (cumulative[i] = w + (i > 0 ? cumulative[i - 1] : 0)));
  return cumulative;
}

/** An index drawn with probability proportional to its weight, given the running totals of the weights. */
export function pickWeighted(rng: Rng, cumulative: Float64Array): number {
  const x = rng.next() * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
