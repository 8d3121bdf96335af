/**
 * Scorers kept open per model version for later calls: at most `capacity`, the least recently used evicted
 * first. A scorer is leased for the length of a call, so one evicted while a call still uses it is closed only
 * when its last lease ends (closing releases the onnxruntime session under the call's feet).
 */
import type { Scorer } from "./runtime.ts";

interface Entry {
  scorer: Promise<Scorer>;
  leases: number;
}

export class ScorerCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly capacity: number,
    private readonly load: (key: string) => Promise<Scorer>,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ScorerCache capacity must be a whole number ≥ 1, got ${capacity}`);
  }

  /** Runs `work` with the scorer of `key`, loading it on first use. */
  async use<T>(key: string, work: (scorer: Scorer) => Promise<T>): Promise<T> {
    const entry = this.lease(key);
    try {
      return await work(await entry.scorer);
    } finally {
      entry.leases--;
      if (entry.leases === 0 && this.entries.get(key) !== entry) close(entry);
    }
  }

  /** Keys of the scorers held, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  private lease(key: string): Entry {
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
    } else {
      const created: Entry = { scorer: this.load(key), leases: 0 };
      created.scorer.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
      entry = created;
    }
    this.entries.set(key, entry);
    entry.leases++;
    this.evictBeyondCapacity();
    return entry;
  }

  private evictBeyondCapacity(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(key);
      if (entry.leases === 0) close(entry);
    }
  }
}

function close(entry: Entry): void {
  entry.scorer.then((scorer) => scorer.close()).catch(() => {});
}
