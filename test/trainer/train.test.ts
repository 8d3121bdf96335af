import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import onnxProto from "onnx-proto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  evaluateModel,
  loadScorer,
  readModelDir,
  trainRewardModel,
  TrainingAbortedError,
  TrainingInputError,
  type TrainingProgress,
} from "../../trainer/index.ts";
import { featurizerFromConfig } from "../../trainer/features/featurizer.ts";
import { TrainStepSession, zeroParams } from "../../trainer/onnx/sessions.ts";
import type { Params } from "../../trainer/onnx/reward-graph.ts";
import { pairRows } from "../../trainer/pairs.ts";
import { syntheticPreferences } from "../support/synthetic-preferences.ts";
import { makeTempDir } from "../support/temp-dir.ts";

let dir: string;
const SMALL = {
  epochs: 6,
  hidden: 8,
  encoder: { kind: "hashed" as const, wordBuckets: 256, charBuckets: 256, promptBuckets: 32 },
};

beforeAll(() => {
  dir = makeTempDir("trainer");
});

/** The trained parameters and standardisation stored as initializers of an exported model. */
async function initializers(modelFile: string): Promise<Record<string, Float32Array>> {
  const model = onnxProto.onnx.ModelProto.decode(await readFile(modelFile));
  return Object.fromEntries(
    model
      .graph!.initializer!.filter((t) => t.dataType === onnxProto.onnx.TensorProto.DataType.FLOAT)
      .map((t) => [t.name, new Float32Array(Uint8Array.from(t.rawData!).buffer)]),
  );
}

describe("trainRewardModel", () => {
  it("learns a preference rule that length cannot explain, to ~100% on held-out prompts and on new pairs", async () => {
    const out = path.join(dir, "marker");
    const pairs = syntheticPreferences({ pairs: 400, seed: 1, ties: 0.05 });
    const progress: TrainingProgress[] = [];
    const metrics = await trainRewardModel({ pairs, outDir: out, seed: 1, onProgress: (p) => progress.push(p) });
    const heldOut = metrics.heldOut!;
    expect(heldOut.n).toBeGreaterThan(40);
    expect(heldOut.accuracy).toBeGreaterThanOrEqual(0.98);
    expect(heldOut.lengthBaselineAccuracy).toBeLessThan(0.7);
    expect(heldOut.brier).toBeLessThan(0.1);
    expect(metrics.curve.length).toBe(metrics.epochs);
    expect(metrics.curve.at(-1)!.trainLoss).toBeLessThan(metrics.curve[0].trainLoss);

    // Progress: every epoch reports its held-out figures, and they are the ones in the loss curve.
    const perEpoch = progress.filter((p) => p.valLoss !== null);
    expect(perEpoch.map((p) => [p.epoch, p.loss, p.valLoss, p.valAccuracy])).toEqual(
      metrics.curve.map((c) => [c.epoch, c.trainLoss, c.valLoss, c.valAccuracy]),
    );
    for (let i = 1; i < progress.length; i++) expect(progress[i].step).toBeGreaterThan(progress[i - 1].step);
    expect(progress.every((p) => p.epochs === 30 && p.steps >= p.step)).toBe(true);

    const fresh = syntheticPreferences({ pairs: 200, seed: 99 });
    const evaluation = await evaluateModel(out, fresh);
    expect(evaluation.n).toBe(200);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.97);

    const scorer = await loadScorer(out);
    try {
      const [withMarker, without] = await scorer.score("Question 1: tell me about trains.", [
        "we should look at the zebra today",
        "we should look at the details today",
      ]);
      expect(withMarker).toBeGreaterThan(without);
      const p = await scorer.judge(
        "Question 1: tell me about trains.",
        "we should look at the zebra today",
        "we should look at the details today",
      );
      expect(p).toBeCloseTo(1 / (1 + Math.exp(without - withMarker)), 6);
      expect(p).toBeGreaterThan(0.5);
      expect(await scorer.score("anything", [])).toEqual([]);
    } finally {
      await scorer.close();
    }
  });

  it("writes a model whose exported graph reproduces the training graph's rewards in a fresh session", async () => {
    const out = path.join(dir, "export");
    const pairs = syntheticPreferences({ pairs: 120, seed: 4 });
    await trainRewardModel({ pairs, outDir: out, seed: 2, ...SMALL });
    const { modelFile, metadata } = await readModelDir(out);
    expect(metadata.data).toMatchObject({ pairs: 120, ties: 0 });
    expect(metadata.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(metadata.features).toMatchObject({
      kind: "hashed",
      wordBuckets: 256,
      charBuckets: 256,
      promptBuckets: 32,
      wordNgrams: 2,
      charNgrams: [3, 5],
    });
    expect(metadata.hyperparameters).toMatchObject({ hidden: 8, epochs: 6, seed: 2 });

    const stored = await initializers(modelFile);
    const params: Params = { w1: stored.w1, b1: stored.b1, w2: stored.w2, v: stored.v };
    const { feature_mean: mean, feature_scale: scale } = stored;
    const rows = pairs.slice(0, 16).flatMap((p) => pairRows(p));
    const featurizer = await featurizerFromConfig(metadata.features, "cpu");
    const raw = (await featurizer.featurize(rows)).toDense();
    await featurizer.close();
    const F = metadata.model.inputs;
    const standardised = raw.map((x, i) => Math.fround(x - mean[i % F]) * scale[i % F]);

    // Rows 0..15 are the chosen responses and 16..31 the rejected ones, as the training graph expects.
    const order = [...rows.keys()].filter((i) => i % 2 === 0).concat([...rows.keys()].filter((i) => i % 2 === 1));
    const batch = new Float32Array(standardised.length);
    order.forEach((row, k) => batch.set(standardised.subarray(row * F, (row + 1) * F), k * F));
    const zeros = zeroParams(F, metadata.model.hidden);
    const step = await TrainStepSession.create(F, metadata.model.hidden, "cpu");
    const { reward: trainingRewards } = await step.run(
      { params, m: zeros, v: zeros, step: 0 },
      { features: batch, weight: new Float32Array(16).fill(1), tie: new Float32Array(16) },
      0,
      0,
    );
    await step.release();

    const scorer = await loadScorer(out);
    const served = await scorer.scoreRows(rows);
    await scorer.close();
    expect(new Set(served.map((r) => r.toFixed(3))).size).toBeGreaterThan(16);
    order.forEach((row, k) => expect(served[row]).toBeCloseTo(trainingRewards[k], 4));
  });

  it("is reproducible: the same seed gives the same model bytes and metrics, another seed does not", async () => {
    const pairs = syntheticPreferences({ pairs: 120, seed: 5, ties: 0.1 });
    const runs = [];
    for (const [name, seed] of [
      ["a", 3],
      ["b", 3],
      ["c", 4],
    ] as const) {
      const out = path.join(dir, `seed-${name}`);
      const metrics = await trainRewardModel({ pairs, outDir: out, seed, ...SMALL });
      runs.push({
        metrics,
        model: await readFile(path.join(out, "model.onnx")),
        metadata: await readFile(path.join(out, "metadata.json"), "utf8"),
      });
    }
    expect(runs[1].model.equals(runs[0].model)).toBe(true);
    expect(runs[1].metadata).toBe(runs[0].metadata);
    expect(runs[1].metrics).toEqual(runs[0].metrics);
    expect(runs[2].model.equals(runs[0].model)).toBe(false);
  });

  it("trains on empty responses and prompts, an empty response being a real, bad one", async () => {
    const pairs = syntheticPreferences({ pairs: 80, seed: 9 }).map((p, i) => ({
      prompt: i % 4 === 0 ? "" : p.prompt,
      chosen: p.chosen,
      rejected: i % 2 === 0 ? " " : "",
    }));
    const out = path.join(dir, "empty-text");
    const metrics = await trainRewardModel({ pairs, outDir: out, ...SMALL });
    expect(metrics.heldOut!.accuracy).toBe(1);
    const scorer = await loadScorer(out);
    try {
      const [empty, real] = await scorer.score("", ["", pairs[1].chosen]);
      expect(Number.isFinite(empty)).toBe(true);
      expect(real).toBeGreaterThan(empty);
    } finally {
      await scorer.close();
    }
  });

  it("stops when its signal is aborted, and writes nothing", async () => {
    const out = path.join(dir, "aborted");
    const controller = new AbortController();
    const training = trainRewardModel({
      pairs: syntheticPreferences({ pairs: 120, seed: 6 }),
      outDir: out,
      ...SMALL,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.epoch === 2) controller.abort();
      },
    });
    await expect(training).rejects.toBeInstanceOf(TrainingAbortedError);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ["no pairs", { pairs: [] }, /no preference pairs/],
    [
      "a response that is not text",
      { pairs: [{ prompt: "p", chosen: "a", rejected: 3 as unknown as string }] },
      /pair 1: "rejected" must be a string/,
    ],
    [
      "a negative weight",
      { pairs: [{ prompt: "p", chosen: "a", rejected: "b", weight: -1 }] },
      /"weight" must be a number ≥ 0/,
    ],
    [
      "only zero weights",
      { pairs: [{ prompt: "p", chosen: "a", rejected: "b", weight: 0 }] },
      /every pair has weight 0/,
    ],
    [
      "zero hidden units",
      { pairs: [{ prompt: "p", chosen: "a", rejected: "b" }], hidden: 0 },
      /hidden must be a whole number ≥ 1/,
    ],
  ])("refuses %s", async (_, options, reason) => {
    const training = trainRewardModel({ outDir: path.join(dir, "refused"), ...options });
    await expect(training).rejects.toBeInstanceOf(TrainingInputError);
    await expect(training).rejects.toThrow(reason);
  });
});
