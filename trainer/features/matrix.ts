/** Feature rows in compressed sparse row form: hashed n-gram rows are mostly zeros. */
export class FeatureMatrix {
  constructor(
    readonly dim: number,
    readonly rowStart: Uint32Array,
    readonly columns: Uint32Array,
    readonly values: Float32Array,
  ) {}

  get rows(): number {
    return this.rowStart.length - 1;
  }

  /** Writes row `row` densely into out[offset…offset+dim), which must be zero there. */
  writeRow(row: number, out: Float32Array, offset: number): void {
    for (let k = this.rowStart[row]; k < this.rowStart[row + 1]; k++) out[offset + this.columns[k]] = this.values[k];
  }

  /** All rows as one dense row-major block [rows, dim]. */
  toDense(): Float32Array {
    const out = new Float32Array(this.rows * this.dim);
    for (let r = 0; r < this.rows; r++) this.writeRow(r, out, r * this.dim);
    return out;
  }
}

export class FeatureMatrixBuilder {
  private columns = new Uint32Array(1 << 16);
  private values = new Float32Array(1 << 16);
  private size = 0;
  private readonly rowStart: number[] = [0];

  constructor(readonly dim: number) {}

  push(column: number, value: number): void {
    if (this.size === this.columns.length) {
      const columns = new Uint32Array(this.size * 2);
      columns.set(this.columns);
      this.columns = columns;
      const values = new Float32Array(this.size * 2);
      values.set(this.values);
      this.values = values;
    }
    this.columns[this.size] = column;
    this.values[this.size++] = value;
  }

  /** Adds the nonzero entries of a dense block as columns offset…offset+block.length. */
  pushDense(block: ArrayLike<number>, offset: number): void {
    for (let i = 0; i < block.length; i++) if (block[i] !== 0) this.push(offset + i, block[i]);
  }

  endRow(): void {
    this.rowStart.push(this.size);
  }

  finish(): FeatureMatrix {
    return new FeatureMatrix(
      this.dim,
      Uint32Array.from(this.rowStart),
      this.columns.slice(0, this.size),
      this.values.slice(0, this.size),
    );
  }
}
