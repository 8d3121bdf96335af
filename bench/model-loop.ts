/**
 * `npm run bench -- model-loop [--seeds N]`: does ordering the labeling queue by the published model's uncertainty
 * (what the assignment does once a project has a published model) reach a target accuracy with fewer labels than
 * labeling in random order?
 *
 * Pool: synthetic preference pairs where the better response carries one of eight marker words; one marker is
 * common (70% of pairs), the other seven rare, as real data has common and rare kinds of quality. Simulated
 * labelers answer one pair per label, right 90% of the time. Each round the reward model is retrained on every
 * label so far and scores the pool; the next 40 labels go to the pairs it is least sure about (uncertainty
 * sampling) or to random pairs. Reported: labels needed until the model's accuracy on a held-out set drawn like
 * the pool reaches the target.
 */
import path from "node:path";
import { loadScorer, trainRewardModel, type PreferencePair } from "../trainer/index.ts";
import { uncertainty } from "../trainer/project-models.ts";
import { Rng } from "../trainer/rng.ts";
import { makeTempDir, removeTempDirs } from "../test/support/temp-dir.ts";

const MARKERS = ["zebra", "quartz", "lantern", "orchid", "saffron", "glacier", "harbor", "velvet"];
const WORDS =
  "the answer is that we should consider many things about this topic carefully because people find it useful to start with simple steps".split(
    " ",
  );
const ROUND = 40;
const START = 40;
const TARGET = 0.95;
const BUDGET = 1200;
const LABELER_ACCURACY = 0.9;

interface Pair {
  prompt: string;
  good: string;
  bad: string;
}

function makePairs(n: number, rng: Rng): Pair[] {
  const words = (k: number) => Array.from({ length: k }, () => WORDS[rng.int(WORDS.length)]).join(" ");
  return Array.from({ length: n }, (_, i) => {
    const marker = rng.next() < 0.7 ? MARKERS[0] : MARKERS[1 + rng.int(7)];
    const len = 6 + rng.int(20);
    return { prompt: `Question ${i}: ${words(5)}?`, good: `${words(len)} ${marker} ${words(3)}`, bad: words(len + 4) };
  });
}

async function accuracyOn(dir: string, test: Pair[]): Promise<number> {
  const scorer = await loadScorer(dir);
  try {
    const rewards = await scorer.scoreRows(
      test.flatMap((p) => [
        { prompt: p.prompt, response: p.good },
        { prompt: p.prompt, response: p.bad },
      ]),
    );
    return test.filter((_, i) => rewards[2 * i] > rewards[2 * i + 1]).length / test.length;
  } finally {
    await scorer.close();
  }
}

async function labelsToTarget(
  strategy: "uncertainty" | "random",
  seed: number,
  dir: string,
): Promise<{ labels: number; curve: string }> {
  const rng = new Rng(seed);
  const pool = makePairs(3000, rng);
  const test = makePairs(600, rng);
  const labeled: PreferencePair[] = [];
  const remaining = new Set(pool.map((_, i) => i));
  const label = (i: number) => {
    remaining.delete(i);
    const p = pool[i];
    const right = rng.next() < LABELER_ACCURACY;
    labeled.push({ prompt: p.prompt, chosen: right ? p.good : p.bad, rejected: right ? p.bad : p.good });
  };
  const randomPick = (n: number) => {
    const left = [...remaining];
    for (let k = 0; k < n && left.length; k++) label(left.splice(rng.int(left.length), 1)[0]);
  };
  randomPick(START);
  const curve: string[] = [];
  for (let round = 0; labeled.length <= BUDGET; round++) {
    const out = path.join(dir, `${strategy}-${seed}-${round}`);
    await trainRewardModel({ pairs: labeled, outDir: out, seed, epochs: 20, validationFraction: 0.1 });
    const accuracy = await accuracyOn(out, test);
    curve.push(`${labeled.length}:${accuracy.toFixed(3)}`);
    if (accuracy >= TARGET) return { labels: labeled.length, curve: curve.join(" ") };
    if (strategy === "random") {
      randomPick(ROUND);
      continue;
    }
    const scorer = await loadScorer(out);
    const candidates = [...remaining];
    const rewards = await scorer.scoreRows(
      candidates.flatMap((i) => [
        { prompt: pool[i].prompt, response: pool[i].good },
        { prompt: pool[i].prompt, response: pool[i].bad },
      ]),
    );
    await scorer.close();
    const ranked = candidates
      .map((i, j) => ({ i, u: uncertainty(rewards[2 * j], rewards[2 * j + 1]) }))
      .sort((x, y) => y.u - x.u || x.i - y.i);
    for (const { i } of ranked.slice(0, ROUND)) label(i);
  }
  return { labels: Infinity, curve: curve.join(" ") };
}

export async function run(args: string[]) {
  const seeds = Number(args[args.indexOf("--seeds") + 1] || 5) || 5;
  const dir = makeTempDir("model-loop");
  try {
    console.log(
      `target held-out accuracy ${TARGET}, labels in rounds of ${ROUND}, labelers ${LABELER_ACCURACY * 100}% right, budget ${BUDGET}`,
    );
    const totals = { uncertainty: [] as number[], random: [] as number[] };
    for (let seed = 1; seed <= seeds; seed++) {
      for (const strategy of ["random", "uncertainty"] as const) {
        const started = Date.now();
        const result = await labelsToTarget(strategy, seed, dir);
        totals[strategy].push(result.labels);
        console.log(
          `seed ${seed} ${strategy.padEnd(11)} ${String(result.labels).padStart(5)} labels  (${((Date.now() - started) / 1000).toFixed(0)} s)  labels:accuracy ${result.curve}`,
        );
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `mean labels to ${TARGET}: random ${mean(totals.random).toFixed(0)}, uncertainty ${mean(totals.uncertainty).toFixed(0)} (${((1 - mean(totals.uncertainty) / mean(totals.random)) * 100).toFixed(0)}% fewer)`,
    );
  } finally {
    removeTempDirs();
  }
}
