/**
 * `npm run bench -- trainer [--device cpu|cuda|webgpu] [--skip-real]`: the reward-model trainer.
 * - training speed on 10,000 synthetic pairs (the default hashed features, 8,730 columns, hidden 32,
 *   batch 64): pairs per second through the ONNX training step, and the time of a whole default run;
 * - scoring latency of judge(prompt, a, b) (p50/p99) and throughput of score() on batches of 256;
 * - held-out accuracy beside "the longer response wins" on the real sets in ../shared/datasets: the
 *   trainer's own held-out split (seed 1), and five-fold cross-validation by prompt.
 */
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { readLlmbarPairs, readOasstPairs } from "../datasets/public.ts";
import {
  evaluateModel,
  loadScorer,
  parseDevice,
  trainRewardModel,
  type Device,
  type PreferencePair,
} from "../trainer/index.ts";
import { pairAccuracy } from "../trainer/metrics.ts";
import { Rng } from "../trainer/rng.ts";
import { syntheticPreferences } from "../test/support/synthetic-preferences.ts";
import { makeTempDir, removeTempDirs } from "../test/support/temp-dir.ts";

const DATASETS = path.resolve(import.meta.dirname, "../../shared/datasets");
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function trainingSpeed(dir: string, device: Device) {
  const pairs = syntheticPreferences({ pairs: 10_000, seed: 1 });
  const epochEnds: number[] = [];
  const start = process.hrtime.bigint();
  const metrics = await trainRewardModel({
    pairs,
    outDir: path.join(dir, "speed"),
    device,
    epochs: 4,
    patience: 4,
    onProgress: (p) => {
      if (p.valLoss !== null) epochEnds.push(seconds(start));
    },
  });
  const total = seconds(start);
  const epochTimes = epochEnds.slice(1).map((t, i) => t - epochEnds[i]);
  const epoch = Math.min(...epochTimes);
  const trainPairs = metrics.train.n;
  console.log(
    `training, 10,000 synthetic pairs (${trainPairs.toLocaleString("en")} train / ${metrics.heldOut!.n.toLocaleString("en")} held out by prompt)`,
  );
  console.log(`  features + first epoch  ${epochEnds[0].toFixed(1)} s`);
  console.log(
    `  one epoch (fastest)     ${epoch.toFixed(2)} s  → ${Math.round(trainPairs / epoch).toLocaleString("en")} training pairs/s (incl. held-out scoring)`,
  );
  console.log(
    `  4 epochs, end to end    ${total.toFixed(1)} s  (held-out accuracy ${metrics.heldOut!.accuracy.toFixed(3)})`,
  );

  const fullStart = process.hrtime.bigint();
  const full = await trainRewardModel({ pairs, outDir: path.join(dir, "full"), device });
  console.log(
    `  default run (≤30 epochs, early stopping)  ${seconds(fullStart).toFixed(1)} s, ${full.epochs} epochs, held-out accuracy ${full.heldOut!.accuracy.toFixed(3)}`,
  );
  return path.join(dir, "full");
}

async function scoringSpeed(model: string, device: Device) {
  const scorer = await loadScorer(model, { device });
  const pairs = syntheticPreferences({ pairs: 600, seed: 7 });
  try {
    for (const p of pairs.slice(0, 20)) await scorer.judge(p.prompt, p.chosen, p.rejected);
    const latencies: number[] = [];
    for (const p of pairs.slice(100, 600)) {
      const start = process.hrtime.bigint();
      await scorer.judge(p.prompt, p.chosen, p.rejected);
      latencies.push(seconds(start) * 1000);
    }
    latencies.sort((a, b) => a - b);
    const responses = pairs.slice(0, 256).map((p) => p.chosen);
    await scorer.score(pairs[0].prompt, responses);
    const rounds = 20;
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) await scorer.score(pairs[i].prompt, responses);
    const batch = seconds(start) / rounds;
    console.log("scoring (model from the default run)");
    console.log(
      `  judge(prompt, a, b)       p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms`,
    );
    console.log(
      `  score(prompt, 256 texts)  ${(batch * 1000).toFixed(1)} ms a batch → ${Math.round(256 / batch).toLocaleString("en")} responses/s`,
    );
  } finally {
    await scorer.close();
  }
}

function realSets(): [string, PreferencePair[]][] {
  const nonEmpty = (pairs: PreferencePair[]) => pairs.filter((p) => p.chosen.trim() && p.rejected.trim());
  const llmbar = (file: string, name: string) => nonEmpty(readLlmbarPairs(path.join(DATASETS, "llmbar", file), name));
  const sets: [string, PreferencePair[]][] = [
    ["oasst", nonEmpty(readOasstPairs(path.join(DATASETS, "oasst/en_100_tree.jsonl")))],
    ["mt-bench-human", llmbar("mt_bench_human.json", "mt")],
    ["llmbar-natural", llmbar("natural.json", "natural")],
    ["llmeval2", llmbar("llmeval2.json", "llmeval2")],
    ["faireval", llmbar("faireval.json", "faireval")],
  ];
  sets.push(["all llmbar sets", sets.slice(1).flatMap(([, p]) => p)]);
  return sets;
}

const lengthMargins = (pairs: PreferencePair[]) => pairs.map((p) => p.chosen.length - p.rejected.length);

/** Five folds of whole prompts: each fold is scored by a model trained on the other four. */
async function crossValidate(pairs: PreferencePair[], dir: string, device: Device) {
  const prompts = new Rng(7).shuffle([...new Set(pairs.map((p) => p.prompt))]);
  const fold = new Map(prompts.map((p, i) => [p, i % 5]));
  let right = 0;
  for (let k = 0; k < 5; k++) {
    const out = path.join(dir, `fold-${k}`);
    await trainRewardModel({ pairs: pairs.filter((p) => fold.get(p.prompt) !== k), outDir: out, device, seed: 1 });
    const test = pairs.filter((p) => fold.get(p.prompt) === k);
    right += (await evaluateModel(out, test, { device })).accuracy * test.length;
  }
  return { accuracy: right / pairs.length, length: pairAccuracy(lengthMargins(pairs)).accuracy };
}

async function realAccuracy(dir: string, device: Device) {
  console.log("real sets: accuracy beside the length baseline (longer response wins)");
  console.log("  set               pairs   held-out split (seed 1)       5-fold CV by prompt");
  console.log("                            n    model  length            model  length");
  for (const [name, pairs] of realSets()) {
    const m = await trainRewardModel({ pairs, outDir: path.join(dir, name), device, seed: 1 });
    const cv = await crossValidate(pairs, path.join(dir, `${name}-cv`), device);
    const h = m.heldOut!;
    console.log(
      `  ${name.padEnd(16)} ${String(pairs.length).padStart(5)}  ${String(h.n).padStart(4)}   ${h.accuracy.toFixed(3)}  ${h.lengthBaselineAccuracy.toFixed(3)}            ${cv.accuracy.toFixed(3)}  ${cv.length.toFixed(3)}`,
    );
  }
}

export async function run(args: string[] = process.argv.slice(3)): Promise<void> {
  const deviceFlag = args.indexOf("--device");
  const device = parseDevice(deviceFlag >= 0 ? args[deviceFlag + 1] : "cpu");
  console.log(
    `device: ${device} (onnxruntime-node ${ort.env.versions.node}, ${os.cpus().length} CPU cores, ${os.cpus()[0]?.model ?? "unknown CPU"})`,
  );
  const dir = makeTempDir("bench-trainer");
  try {
    const model = await trainingSpeed(dir, device);
    await scoringSpeed(model, device);
    if (!args.includes("--skip-real")) await realAccuracy(dir, device);
  } finally {
    removeTempDirs();
  }
}
