/**
 * Serving a trained model: one onnxruntime session per model directory (the caller caches the scorer),
 * rewards for many responses to one prompt in a single batched run, and pairwise judgements.
 */
import * as ort from "onnxruntime-node";
import { createFileSession, type Device } from "./device.ts";
import { featurizerFromConfig, type Featurizer } from "./features/featurizer.ts";
import { pairAccuracy } from "./metrics.ts";
import { readModelDir, ModelDirError, type ModelMetadata } from "./model-dir.ts";
import { checkPairs, pairRows, type PreferencePair } from "./pairs.ts";

export interface Scorer {
  readonly metadata: ModelMetadata;
  /** Rewards of `responses` to `prompt`, in order. */
  score(prompt: string, responses: readonly string[]): Promise<number[]>;
  /** Rewards of arbitrary (prompt, response) rows in one batched run. */
  scoreRows(rows: readonly { prompt: string; response: string }[]): Promise<number[]>;
  /** P(a is better than b) = σ(r_a − r_b). */
  judge(prompt: string, a: string, b: string): Promise<number>;
  close(): Promise<void>;
}

class OnnxScorer implements Scorer {
  constructor(
    readonly metadata: ModelMetadata,
    private readonly featurizer: Featurizer,
    private readonly session: ort.InferenceSession,
  ) {}

  async scoreRows(rows: readonly { prompt: string; response: string }[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const matrix = await this.featurizer.featurize(rows);
    const features = new ort.Tensor("float32", matrix.toDense(), [matrix.rows, matrix.dim]);
    const out = await this.session.run({ features });
    return Array.from(out.reward.data as Float32Array);
  }

  score(prompt: string, responses: readonly string[]): Promise<number[]> {
    return this.scoreRows(responses.map((response) => ({ prompt, response })));
  }

  async judge(prompt: string, a: string, b: string): Promise<number> {
    const [ra, rb] = await this.score(prompt, [a, b]);
    return 1 / (1 + Math.exp(rb - ra));
  }

  async close(): Promise<void> {
    await this.session.release();
    await this.featurizer.close();
  }
}

export async function loadScorer(dir: string, options: { device?: Device } = {}): Promise<Scorer> {
  const device = options.device ?? "cpu";
  const { modelFile, metadata } = await readModelDir(dir);
  const featurizer = await featurizerFromConfig(metadata.features, device);
  if (featurizer.dim !== metadata.model.inputs) {
    await featurizer.close();
    throw new ModelDirError(
      `${dir}: the features give ${featurizer.dim} columns but the model takes ${metadata.model.inputs}`,
    );
  }
  try {
    return new OnnxScorer(
      metadata,
      featurizer,
      await createFileSession(modelFile, device, (reason) => new ModelDirError(reason)),
    );
  } catch (error) {
    await featurizer.close();
    throw error;
  }
}

const EVALUATION_CHUNK = 512;

/** Share of the preferences (ties left out) that the model orders correctly. */
export async function evaluateModel(
  dir: string,
  pairs: readonly PreferencePair[],
  options: { device?: Device } = {},
): Promise<{ accuracy: number; n: number }> {
  checkPairs(pairs);
  const scorer = await loadScorer(dir, options);
  try {
    const margins: number[] = [];
    for (let start = 0; start < pairs.length; start += EVALUATION_CHUNK) {
      const chunk = pairs.slice(start, start + EVALUATION_CHUNK);
      const rewards = await scorer.scoreRows(chunk.flatMap((p) => pairRows(p)));
      for (let k = 0; k < chunk.length; k++) margins.push(rewards[2 * k] - rewards[2 * k + 1]);
    }
    return pairAccuracy(
      margins,
      pairs.map((p) => p.tie ?? false),
    );
  } finally {
    await scorer.close();
  }
}
