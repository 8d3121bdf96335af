/**
 * A model directory: `model.onnx` (features [N, F] float32 → reward [N]) and `metadata.json` (how to compute
 * the features, how the model was trained and how well it did).
 */
import { readFile, rename, stat, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { Device } from "./device.ts";
import type { FeatureConfig } from "./features/featurizer.ts";

const MODEL_FILE = "model.onnx";
const METADATA_FILE = "metadata.json";
const FORMAT = "pairwise-reward-model";
const VERSION = 1;

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

export interface HeldOutMetrics {
  /** Preferences (ties left out) in the held-out split. */
  n: number;
  accuracy: number;
  /** "The longer response wins" on the same split. */
  lengthBaselineAccuracy: number;
  loss: number;
  /** Brier score and expected calibration error of P(chosen wins) = σ(r_c − r_r). */
  brier: number;
  ece: number;
}

export interface TrainingMetrics {
  epochs: number;
  bestEpoch: number;
  stoppedEarly: boolean;
  train: { n: number; loss: number; accuracy: number };
  heldOut: HeldOutMetrics | null;
  curve: EpochRecord[];
}

export interface Hyperparameters {
  hidden: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  patience: number;
  validationFraction: number;
  seed: number;
}

export interface ModelMetadata {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** reward = relu(x·W1 + b1)·w2 + x·v on the standardised features x. */
  model: {
    kind: "mlp+linear";
    inputs: number;
    hidden: number;
    activation: "relu";
    input: "features";
    output: "reward";
  };
  features: FeatureConfig;
  loss: "bradley-terry";
  optimizer: { kind: "adamw"; beta1: number; beta2: number; epsilon: number };
  hyperparameters: Hyperparameters;
  device: Device;
  data: { sha256: string; pairs: number; ties: number; trainPairs: number; validationPairs: number };
  metrics: TrainingMetrics;
}

/** A model directory is missing, incomplete or not one this version can read. */
export class ModelDirError extends Error {
  override name = "ModelDirError";
}

export async function writeModelDir(dir: string, model: Uint8Array, metadata: ModelMetadata): Promise<void> {
  await mkdir(dir, { recursive: true });
  // Written under temporary names and renamed, so a reader never sees half a model.
  const files: [string, Uint8Array | string][] = [
    [MODEL_FILE, model],
    [METADATA_FILE, JSON.stringify(metadata, null, 2) + "\n"],
  ];
  for (const [name, content] of files) await writeFile(path.join(dir, `${name}.partial`), content);
  for (const [name] of files) await rename(path.join(dir, `${name}.partial`), path.join(dir, name));
}

export async function readModelDir(dir: string): Promise<{ modelFile: string; metadata: ModelMetadata }> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new ModelDirError(`${dir}: not a directory`);
  } catch (error) {
    if (error instanceof ModelDirError) throw error;
    throw new ModelDirError(`${dir}: no such model directory`);
  }
  const modelFile = path.join(dir, MODEL_FILE);
  let text: string;
  try {
    await stat(modelFile);
    text = await readFile(path.join(dir, METADATA_FILE), "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).path ?? modelFile;
    throw new ModelDirError(`${dir}: not a model directory (no ${path.basename(missing)})`);
  }
  let metadata: ModelMetadata;
  try {
    metadata = JSON.parse(text) as ModelMetadata;
  } catch (error) {
    throw new ModelDirError(`${path.join(dir, METADATA_FILE)}: invalid JSON (${(error as Error).message})`);
  }
  if (metadata.format !== FORMAT || metadata.version !== VERSION)
    throw new ModelDirError(
      `${dir}: metadata.json is not a ${FORMAT} version ${VERSION} (format ${String(metadata.format)}, version ${String(metadata.version)})`,
    );
  return { modelFile, metadata };
}

export const MODEL_FORMAT = { format: FORMAT, version: VERSION } as const;
