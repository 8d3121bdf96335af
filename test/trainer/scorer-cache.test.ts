import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadScorer, trainRewardModel, type Scorer } from "../../trainer/index.ts";
import { ScorerCache } from "../../trainer/scorer-cache.ts";
import { syntheticPreferences } from "../support/synthetic-preferences.ts";
import { makeTempDir } from "../support/temp-dir.ts";

let dir: string;
let modelDir: string;

beforeAll(async () => {
  dir = makeTempDir("scorer-cache");
  modelDir = path.join(dir, "model");
  const tiny = { kind: "hashed" as const, wordBuckets: 64, charBuckets: 64, promptBuckets: 8 };
  await trainRewardModel({
    pairs: syntheticPreferences({ pairs: 60, seed: 3 }),
    outDir: modelDir,
    epochs: 2,
    hidden: 4,
    encoder: tiny,
  });
});

/** Real scorers of the same model directory under different keys, with a record of which were loaded and closed. */
function trackedCache(capacity: number) {
  const loaded: string[] = [];
  const closed: string[] = [];
  const cache = new ScorerCache(capacity, async (key) => {
    loaded.push(key);
    const scorer = await loadScorer(modelDir);
    return {
      ...scorer,
      score: scorer.score.bind(scorer),
      scoreRows: scorer.scoreRows.bind(scorer),
      judge: scorer.judge.bind(scorer),
      close: async () => {
        closed.push(key);
        await scorer.close();
      },
    } satisfies Scorer;
  });
  return { cache, loaded, closed };
}

const score = (scorer: Scorer) =>
  scorer.score("Question 1: tell me about rivers.", ["the answer is zebra today", "the answer is simple"]);

describe("ScorerCache", () => {
  it("loads a model version once and keeps the most recently used ones", async () => {
    const { cache, loaded, closed } = trackedCache(2);
    const first = await cache.use("a", score);
    expect(await cache.use("a", score)).toEqual(first);
    await cache.use("b", score);
    await cache.use("a", score);
    await cache.use("c", score);
    expect(loaded).toEqual(["a", "b", "c"]);
    expect(cache.keys()).toEqual(["a", "c"]);
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toEqual(["b"]);
  });

  it("closes a scorer evicted during a call only after that call has finished with it", async () => {
    const { cache, closed } = trackedCache(1);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const inside = new Promise<void>((r) => (started = r));
    const call = cache.use("a", async (scorer) => {
      started();
      await held;
      return score(scorer);
    });
    await inside;
    await cache.use("b", score); // evicts "a" while the call above still holds it
    expect(cache.keys()).toEqual(["b"]);
    expect(closed).toEqual([]);
    release();
    const rewards = await call;
    expect(rewards).toHaveLength(2);
    expect(rewards.every(Number.isFinite)).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toEqual(["a"]);
  });

  it("forgets a version that failed to load, so the next call tries again", async () => {
    let attempts = 0;
    const cache = new ScorerCache(2, async () => {
      attempts++;
      if (attempts === 1) throw new Error("model directory missing");
      return loadScorer(modelDir);
    });
    await expect(cache.use("a", score)).rejects.toThrow("model directory missing");
    expect(cache.keys()).toEqual([]);
    expect(await cache.use("a", score)).toHaveLength(2);
    expect(attempts).toBe(2);
  });
});
