/**
 * Turns (prompt, response) pairs into feature rows, with either the built-in hashed encoder or a local ONNX
 * sentence encoder. The configuration returned is what a model directory records, and is enough to build the
 * same featurizer again when the model is served.
 */
import type { Device } from "../device.ts";
import { EncoderError } from "./encoder-error.ts";
import { DEFAULT_HASHED, HashedEncoder, type HashedFeatureConfig } from "./hashed-encoder.ts";
import { FeatureMatrixBuilder, type FeatureMatrix } from "./matrix.ts";
import { OnnxSentenceEncoder } from "./onnx-encoder.ts";
import { promptInfo, structureFeatures, STRUCTURE_FEATURES } from "./structure.ts";

export interface OnnxFeatureConfig {
  kind: "onnx";
  /** Absolute path of the encoder directory, and the SHA-256 of its model.onnx. */
  dir: string;
  modelSha256: string;
  output: string;
  dimension: number;
  maxLength: number;
  structure: string[];
}

export type FeatureConfig = HashedFeatureConfig | OnnxFeatureConfig;

export type EncoderOptions =
  | ({ kind: "hashed" } & Partial<Omit<HashedFeatureConfig, "kind" | "structure">>)
  | { kind: "onnx"; dir: string; maxLength?: number };

export interface FeatureInput {
  prompt: string;
  response: string;
}

export interface Featurizer {
  readonly config: FeatureConfig;
  readonly dim: number;
  /** Columns from here on are dense features that the trainer standardises; those before it are unit-length blocks. */
  readonly standardizeFrom: number;
  featurize(rows: readonly FeatureInput[]): Promise<FeatureMatrix>;
  close(): Promise<void>;
}

function hashedFeaturizer(config: HashedFeatureConfig): Featurizer {
  for (const [key, value] of Object.entries(config))
    if (typeof value === "number" && (!Number.isInteger(value) || value < 0))
      throw new EncoderError(`hashed encoder: ${key} must be a whole number ≥ 0, got ${value}`);
  if (config.wordNgrams < 1 || config.charNgrams[0] < 1 || config.charNgrams[1] < config.charNgrams[0])
    throw new EncoderError(
      `hashed encoder: n-gram sizes must be at least 1 (words ${config.wordNgrams}, characters ${config.charNgrams.join("–")})`,
    );
  const encoder = new HashedEncoder(config);
  return {
    config,
    dim: encoder.dim,
    standardizeFrom: encoder.standardizeFrom,
    featurize: async (rows) => encoder.featurize(rows),
    close: async () => {},
  };
}

/**
 * Features from sentence embeddings: the response's embedding e_r, its elementwise product with the
 * prompt's embedding e_p (how the response relates to this prompt), cos(e_p, e_r), then the structure features.
 */
function onnxFeaturizer(encoder: OnnxSentenceEncoder): Featurizer {
  const D = encoder.dimension;
  const dim = 2 * D + 1 + STRUCTURE_FEATURES.length;
  const config: OnnxFeatureConfig = {
    kind: "onnx",
    dir: encoder.dir,
    modelSha256: encoder.modelSha256,
    output: encoder.output,
    dimension: D,
    maxLength: encoder.tokenizer.maxLength,
    structure: [...STRUCTURE_FEATURES],
  };
  return {
    config,
    dim,
    standardizeFrom: 0,
    async featurize(rows) {
      const texts = [...new Set(rows.flatMap((r) => [r.prompt, r.response]))];
      const index = new Map(texts.map((t, i) => [t, i]));
      const embeddings = await encoder.embed(texts);
      const out = new FeatureMatrixBuilder(dim);
      const block = new Float32Array(dim);
      const prompts = new Map<string, ReturnType<typeof promptInfo>>();
      for (const { prompt, response } of rows) {
        const p = index.get(prompt)! * D;
        const r = index.get(response)! * D;
        let cosine = 0;
        for (let k = 0; k < D; k++) {
          block[k] = embeddings[r + k];
          block[D + k] = embeddings[p + k] * embeddings[r + k];
          cosine += block[D + k];
        }
        block[2 * D] = cosine;
        let info = prompts.get(prompt);
        if (!info) prompts.set(prompt, (info = promptInfo(prompt)));
        structureFeatures(info, response, block, 2 * D + 1);
        out.pushDense(block, 0);
        out.endRow();
      }
      return out.finish();
    },
    close: () => encoder.release(),
  };
}

/** A featurizer for training, from the caller's options (the hashed encoder with its defaults if none). */
export async function createFeaturizer(options: EncoderOptions | undefined, device: Device): Promise<Featurizer> {
  if (options?.kind === "onnx")
    return onnxFeaturizer(await OnnxSentenceEncoder.load(options.dir, device, options.maxLength));
  const given = Object.entries(options ?? {}).filter(([, value]) => value !== undefined);
  return hashedFeaturizer({
    ...DEFAULT_HASHED,
    ...Object.fromEntries(given),
    kind: "hashed",
    structure: [...STRUCTURE_FEATURES],
  });
}

/** The featurizer a model was trained with, from its recorded configuration. */
export async function featurizerFromConfig(config: FeatureConfig, device: Device): Promise<Featurizer> {
  if (config.structure.join() !== STRUCTURE_FEATURES.join())
    throw new EncoderError(
      "the model was trained with a different set of structure features than this version computes; retrain it",
    );
  if (config.kind === "hashed") return hashedFeaturizer(config);
  const encoder = await OnnxSentenceEncoder.load(config.dir, device, config.maxLength);
  if (
    encoder.modelSha256 !== config.modelSha256 ||
    encoder.output !== config.output ||
    encoder.dimension !== config.dimension
  ) {
    await encoder.release();
    throw new EncoderError(
      `${config.dir}: the sentence encoder changed since the model was trained (model.onnx SHA-256 ${encoder.modelSha256.slice(0, 12)}…, trained with ${config.modelSha256.slice(0, 12)}…)`,
    );
  }
  return onnxFeaturizer(encoder);
}
