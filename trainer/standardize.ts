/**
 * Per-column standardisation of the dense feature columns, (x − mean)·scale with the training rows'
 * statistics; the unit-length hashed blocks before `from` pass through unchanged. The exported model applies
 * the same float32 operations in its graph.
 */
import type { FeatureMatrix } from "./features/matrix.ts";

export class Standardizer {
  private constructor(
    readonly from: number,
    readonly mean: Float32Array,
    readonly scale: Float32Array,
    /** Mean squared length of the standardised training rows: the scale for the first layer's initial weights. */
    readonly meanRowNormSquared: number,
  ) {}

  static fit(matrix: FeatureMatrix, from: number): Standardizer {
    const dim = matrix.dim;
    const sum = new Float64Array(dim);
    const squares = new Float64Array(dim);
    let unscaledSquares = 0;
    for (let k = 0; k < matrix.columns.length; k++) {
      const c = matrix.columns[k];
      if (c < from) unscaledSquares += matrix.values[k] ** 2;
      else {
        sum[c] += matrix.values[k];
        squares[c] += matrix.values[k] ** 2;
      }
    }
    const mean = new Float32Array(dim);
    const scale = new Float32Array(dim).fill(1);
    const n = matrix.rows;
    let varying = 0;
    for (let c = from; c < dim; c++) {
      mean[c] = sum[c] / n;
      const variance = squares[c] / n - (sum[c] / n) ** 2;
      // A column that never varies in training carries nothing; leave its scale alone rather than blow it up.
      if (variance > 1e-12) {
        scale[c] = 1 / Math.sqrt(variance);
        varying++;
      }
    }
    return new Standardizer(from, mean, scale, unscaledSquares / n + varying);
  }

  /** Writes the standardised row into out[offset…], which must be zero over the hashed columns. */
  writeRow(matrix: FeatureMatrix, row: number, out: Float32Array, offset: number): void {
    const { from, mean, scale } = this;
    for (let c = from; c < matrix.dim; c++) out[offset + c] = Math.fround(0 - mean[c]) * scale[c];
    for (let k = matrix.rowStart[row]; k < matrix.rowStart[row + 1]; k++) {
      const c = matrix.columns[k];
      const v = matrix.values[k];
      // fround between the two steps rounds as float32 Sub then Mul do in the exported graph.
      out[offset + c] = c < from ? v : Math.fround(v - mean[c]) * scale[c];
    }
  }
}
