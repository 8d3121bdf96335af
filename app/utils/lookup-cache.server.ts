import { LRUCache } from "lru-cache";
import { env } from "../../config/env.ts";

export interface LookupCache<V> {
  get(key: string): Promise<V | null>;
  /** Drops every entry, so this process reads again at once (after a revocation here). */
  clear(): void;
}

/**
 * A look-up made on every API request (an API key's account, a project), reused in this process for at most
 * `ttlMs` (LOOKUP_CACHE_SECONDS) and `max` entries, so the answer path skips its round trip. Nothing found is
 * never kept: a new key or project works at once. Concurrent misses of one key share one read.
 */
export function cachedLookup<V extends object>(
  load: (key: string) => Promise<V | null>,
  {
    ttlMs = env.LOOKUP_CACHE_SECONDS * 1000,
    max = 10_000,
    perf,
  }: { ttlMs?: number; max?: number; perf?: { now(): number } } = {},
): LookupCache<V> {
  if (ttlMs === 0) return { get: load, clear: () => {} };
  const cache = new LRUCache<string, V>({
    max,
    ttl: ttlMs,
    // Each look-up reads the clock, so an entry never outlives the bound by the resolution's timer.
    ttlResolution: 0,
    ...(perf ? { perf } : {}),
    fetchMethod: async (key) => (await load(key)) ?? undefined,
  });
  return { get: async (key) => (await cache.fetch(key)) ?? null, clear: () => cache.clear() };
}
