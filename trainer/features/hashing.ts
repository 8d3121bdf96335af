/**
 * The hashing trick: n-grams go to one of `buckets` columns by a 32-bit hash, with a sign from another bit
 * of the hash so that collisions cancel out on average instead of piling up.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** murmur3's finaliser: spreads every input bit over the whole word. */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function hashString(text: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return mix(h);
}

export const combine = (a: number, b: number) => mix(a ^ Math.imul(b, 0x9e3779b1) ^ 0x5bd1e995);

/**
 * Accumulates signed hashed counts for one text, then emits them as sparse entries with sublinear counts
 * (sign·log(1 + |count|)), scaled to unit length. Reused across texts to avoid allocating per text.
 */
export class HashedBag {
  private readonly counts: Float64Array;
  private readonly seen: Uint8Array;
  private touched: number[] = [];

  constructor(readonly buckets: number) {
    this.counts = new Float64Array(buckets);
    this.seen = new Uint8Array(buckets);
  }

  add(hash: number): void {
    const bucket = hash % this.buckets;
    if (!this.seen[bucket]) {
      this.seen[bucket] = 1;
      this.touched.push(bucket);
    }
    this.counts[bucket] += hash & 0x80000000 ? -1 : 1;
  }

  /** Emits the entries with their columns shifted by `offset`, and clears the bag. */
  flush(offset: number, emit: (column: number, value: number) => void): void {
    let norm = 0;
    for (const b of this.touched) {
      const c = this.counts[b];
      const v = Math.sign(c) * Math.log1p(Math.abs(c));
      this.counts[b] = v;
      norm += v * v;
    }
    const inverse = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    this.touched.sort((a, b) => a - b);
    for (const b of this.touched) {
      if (this.counts[b] !== 0) emit(offset + b, this.counts[b] * inverse);
      this.counts[b] = 0;
      this.seen[b] = 0;
    }
    this.touched = [];
  }
}
