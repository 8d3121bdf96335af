/**
 * A quality score (or a quality weight, or a threshold) as people read it, on every page: two decimals, "0.22".
 * One rounding everywhere, so a score never reads 0.01 on one page and 0.013 on another.
 */
export function formatQuality(quality: number): string {
  return quality.toFixed(2);
}
