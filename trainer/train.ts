/**
 * Trains a reward model on preference pairs: features once, then epochs of the ONNX training-step graph over
 * shuffled batches, early stopping on a held-out split of whole prompts, and a model directory at the end.
 */
import { assertDeviceAvailable, type Device } from "./device.ts";
import { createFeaturizer, type EncoderOptions } from "./features/featurizer.ts";
import type { FeatureMatrix } from "./features/matrix.ts";
import { bradleyTerryLoss, brierScore, expectedCalibrationError, pairAccuracy } from "./metrics.ts";
import {
  MODEL_FORMAT,
  writeModelDir,
  type EpochRecord,
  type HeldOutMetrics,
  type Hyperparameters,
  type TrainingMetrics,
} from "./model-dir.ts";
import { buildInferenceGraph, type Params } from "./onnx/reward-graph.ts";
import { ScoringSession, TrainStepSession, zeroParams, type AdamState } from "./onnx/sessions.ts";
import { ADAM } from "./onnx/train-step.ts";
import { checkPairs, pairRows, pairsSha256, TrainingInputError, type PreferencePair } from "./pairs.ts";
import { Rng } from "./rng.ts";
import { Standardizer } from "./standardize.ts";

export interface TrainingProgress {
  epoch: number;
  epochs: number;
  /** Updates done so far, of `steps` at most (fewer if training stops early). */
  step: number;
  steps: number;
  /** Mean training loss of the epoch so far. */
  loss: number;
  /** After each epoch, on the held-out split; null within an epoch or with no held-out split. */
  valLoss: number | null;
  valAccuracy: number | null;
}

export interface TrainOptions extends Partial<Hyperparameters> {
  pairs: readonly PreferencePair[];
  outDir: string;
  device?: Device;
  encoder?: EncoderOptions;
  onProgress?: (progress: TrainingProgress) => void;
  signal?: AbortSignal;
}

export const DEFAULT_HYPERPARAMETERS: Hyperparameters = {
  hidden: 32,
  epochs: 30,
  batchSize: 64,
  learningRate: 3e-3,
  weightDecay: 0.01,
  patience: 4,
  validationFraction: 0.15,
  seed: 1,
};

/** Progress is also reported within an epoch, every this many updates. */
const PROGRESS_EVERY = 50;
const SCORING_ROWS = 1024;
/** A held-out loss must fall by more than this to count as better (it creeps down for long on separable data). */
const MIN_IMPROVEMENT = 1e-4;

/** Training was cancelled through its AbortSignal; nothing was written. */
export class TrainingAbortedError extends Error {
  override name = "TrainingAbortedError";
}

function checkHyperparameters(h: Hyperparameters): void {
  const whole = ["hidden", "epochs", "batchSize", "patience"] as const;
  for (const key of whole)
    if (!Number.isInteger(h[key]) || h[key] < 1)
      throw new TrainingInputError(`${key} must be a whole number ≥ 1, got ${h[key]}`);
  if (!Number.isInteger(h.seed)) throw new TrainingInputError(`seed must be a whole number, got ${h.seed}`);
  if (!(h.learningRate > 0 && Number.isFinite(h.learningRate)))
    throw new TrainingInputError(`learningRate must be > 0, got ${h.learningRate}`);
  if (!(h.weightDecay >= 0 && Number.isFinite(h.weightDecay)))
    throw new TrainingInputError(`weightDecay must be ≥ 0, got ${h.weightDecay}`);
  if (!(h.validationFraction >= 0 && h.validationFraction < 1))
    throw new TrainingInputError(`validationFraction must be in [0, 1), got ${h.validationFraction}`);
}

/**
 * Held-out pairs are whole prompts, so that no response seen in training is judged again in validation.
 * Returns the indices of the training and validation pairs.
 */
function splitByPrompt(
  pairs: readonly PreferencePair[],
  fraction: number,
  rng: Rng,
): { train: number[]; validation: number[] } {
  const groups = new Map<string, number[]>();
  pairs.forEach((p, i) => {
    const group = groups.get(p.prompt);
    if (group) group.push(i);
    else groups.set(p.prompt, [i]);
  });
  const all = pairs.map((_, i) => i);
  const target = Math.round(fraction * pairs.length);
  if (target === 0 || groups.size < 2) return { train: all, validation: [] };
  const validation: number[] = [];
  for (const group of rng.shuffle([...groups.values()])) {
    if (validation.length >= target) break;
    if (validation.length + group.length >= pairs.length) continue;
    validation.push(...group);
  }
  const held = new Set(validation);
  return { train: all.filter((i) => !held.has(i)), validation: validation.sort((a, b) => a - b) };
}

/**
 * W1 random, scaled to the typical length of a standardised row so that hidden units start near unit size;
 * the output weights w2 and the linear term v start at zero, so the untrained model scores every response 0
 * and no random function of the features has to be unlearned (on small sets it otherwise outlasts training).
 */
function initialParams(features: number, hidden: number, rowNormSquared: number, rng: Rng): Params {
  const params = zeroParams(features, hidden);
  const w1Scale = 1 / Math.sqrt(Math.max(rowNormSquared, 1e-6));
  for (let i = 0; i < params.w1.length; i++) params.w1[i] = rng.normal() * w1Scale;
  return params;
}

const copy = (p: Params): Params => ({ w1: p.w1.slice(), b1: p.b1.slice(), w2: p.w2.slice(), v: p.v.slice() });

interface Split {
  pairs: number[];
  /** Row 2k is pair k's chosen response, row 2k + 1 its rejected one. */
  matrix: FeatureMatrix;
}

class Trainer {
  constructor(
    private readonly options: TrainOptions,
    private readonly h: Hyperparameters,
    private readonly dim: number,
    private readonly standardizer: Standardizer,
    private readonly step: TrainStepSession,
    private readonly scoring: ScoringSession,
  ) {}

  private checkAbort(): void {
    const signal = this.options.signal;
    if (signal?.aborted) throw new TrainingAbortedError("training was cancelled", { cause: signal.reason });
  }

  /** Margins r(chosen) − r(rejected) of every pair of `split`, under `params`. */
  async margins(params: Params, split: Split): Promise<number[]> {
    const rows = split.matrix.rows;
    const margins: number[] = [];
    for (let start = 0; start < rows; start += SCORING_ROWS) {
      const count = Math.min(SCORING_ROWS, rows - start);
      const x = new Float32Array(count * this.dim);
      for (let r = 0; r < count; r++) this.standardizer.writeRow(split.matrix, start + r, x, r * this.dim);
      const reward = await this.scoring.rewards(params, x);
      for (let r = 0; r < count; r += 2) margins.push(reward[r] - reward[r + 1]);
      this.checkAbort();
    }
    return margins;
  }

  private outcomes(split: Split, margins: number[]) {
    const pairs = this.options.pairs;
    return split.pairs.map((i, k) => ({
      margin: margins[k],
      weight: pairs[i].weight ?? 1,
      tie: pairs[i].tie ?? false,
    }));
  }

  async evaluate(
    params: Params,
    split: Split,
  ): Promise<{ loss: number; accuracy: number; n: number; margins: number[] }> {
    const margins = await this.margins(params, split);
    const ties = split.pairs.map((i) => this.options.pairs[i].tie ?? false);
    return { loss: bradleyTerryLoss(this.outcomes(split, margins)), ...pairAccuracy(margins, ties), margins };
  }

  async heldOut(params: Params, split: Split): Promise<HeldOutMetrics> {
    const pairs = this.options.pairs;
    const { loss, accuracy, n, margins } = await this.evaluate(params, split);
    const preferred = split.pairs.flatMap((i, k) => (pairs[i].tie ? [] : [margins[k]]));
    const lengths = split.pairs
      .filter((i) => !pairs[i].tie)
      .map((i) => pairs[i].chosen.length - pairs[i].rejected.length);
    return {
      n,
      accuracy,
      lengthBaselineAccuracy: pairAccuracy(lengths).accuracy,
      loss,
      brier: brierScore(preferred),
      ece: expectedCalibrationError(preferred),
    };
  }

  async fit(train: Split, validation: Split | null, rng: Rng) {
    const { pairs, onProgress } = this.options;
    const h = this.h;
    const B = h.batchSize;
    const stepsPerEpoch = Math.ceil(train.pairs.length / B);
    const steps = h.epochs * stepsPerEpoch;
    let state: AdamState = {
      params: initialParams(this.dim, h.hidden, this.standardizer.meanRowNormSquared, rng),
      m: zeroParams(this.dim, h.hidden),
      v: zeroParams(this.dim, h.hidden),
      step: 0,
    };
    const curve: EpochRecord[] = [];
    let best = { params: copy(state.params), valLoss: Infinity, epoch: 0 };
    let stale = 0;
    const order = Int32Array.from(train.pairs.keys());
    const x = new Float32Array(2 * B * this.dim);

    for (let epoch = 1; epoch <= h.epochs; epoch++) {
      rng.shuffle(order);
      let lossSum = 0;
      let weightSum = 0;
      const trainMargins: number[] = [];
      const trainTies: boolean[] = [];
      for (let start = 0; start < order.length; start += B) {
        this.checkAbort();
        const size = Math.min(B, order.length - start);
        const features = size === B ? x : new Float32Array(2 * size * this.dim);
        features.fill(0);
        const weight = new Float32Array(size);
        const tie = new Float32Array(size);
        for (let k = 0; k < size; k++) {
          const local = order[start + k];
          const pair = pairs[train.pairs[local]];
          this.standardizer.writeRow(train.matrix, 2 * local, features, k * this.dim);
          this.standardizer.writeRow(train.matrix, 2 * local + 1, features, (size + k) * this.dim);
          weight[k] = pair.weight ?? 1;
          tie[k] = pair.tie ? 1 : 0;
          trainTies.push(pair.tie ?? false);
        }
        const result = await this.step.run(state, { features, weight, tie }, h.learningRate, h.weightDecay);
        state = result.state;
        const batchWeight = weight.reduce((a, b) => a + b, 0);
        lossSum += result.loss * batchWeight;
        weightSum += batchWeight;
        for (let k = 0; k < size; k++) trainMargins.push(result.reward[k] - result.reward[size + k]);
        if (onProgress && state.step % PROGRESS_EVERY === 0 && start + B < order.length)
          onProgress({
            epoch,
            epochs: h.epochs,
            step: state.step,
            steps,
            loss: lossSum / weightSum,
            valLoss: null,
            valAccuracy: null,
          });
      }
      const trainLoss = weightSum > 0 ? lossSum / weightSum : 0;
      const record: EpochRecord = {
        epoch,
        trainLoss,
        trainAccuracy: pairAccuracy(trainMargins, trainTies).accuracy,
        valLoss: null,
        valAccuracy: null,
      };
      if (validation) {
        const v = await this.evaluate(state.params, validation);
        record.valLoss = v.loss;
        record.valAccuracy = v.accuracy;
      }
      curve.push(record);
      onProgress?.({
        epoch,
        epochs: h.epochs,
        step: state.step,
        steps,
        loss: trainLoss,
        valLoss: record.valLoss,
        valAccuracy: record.valAccuracy,
      });
      if (!validation) {
        best = { params: state.params, valLoss: Infinity, epoch };
        continue;
      }
      if (record.valLoss! < best.valLoss - MIN_IMPROVEMENT) {
        best = { params: copy(state.params), valLoss: record.valLoss!, epoch };
        stale = 0;
      } else if (++stale >= h.patience) break;
    }
    return { params: best.params, bestEpoch: best.epoch, curve };
  }
}

/**
 * Trains a reward model and writes its directory (model.onnx + metadata.json) to `outDir`.
 * Same pairs, options and seed on the same device give the same model bytes and metrics.
 */
export async function trainRewardModel(options: TrainOptions): Promise<TrainingMetrics> {
  const given = Object.fromEntries(
    Object.entries(options).filter(([key, value]) => key in DEFAULT_HYPERPARAMETERS && value !== undefined),
  );
  const h: Hyperparameters = { ...DEFAULT_HYPERPARAMETERS, ...given };
  const device = options.device ?? "cpu";
  checkHyperparameters(h);
  checkPairs(options.pairs);
  await assertDeviceAvailable(device);
  const rng = new Rng(h.seed);
  const pairs = options.pairs;
  const split = splitByPrompt(pairs, h.validationFraction, rng);

  const featurizer = await createFeaturizer(options.encoder, device);
  const sessions: { release(): Promise<void> }[] = [];
  try {
    const featurize = async (indices: number[]): Promise<Split> => ({
      pairs: indices,
      matrix: await featurizer.featurize(indices.flatMap((i) => pairRows(pairs[i]))),
    });
    const train = await featurize(split.train);
    const validation = split.validation.length ? await featurize(split.validation) : null;
    const standardizer = Standardizer.fit(train.matrix, featurizer.standardizeFrom);
    const step = await TrainStepSession.create(featurizer.dim, h.hidden, device);
    sessions.push(step);
    const scoring = await ScoringSession.create(featurizer.dim, h.hidden, device);
    sessions.push(scoring);

    const trainer = new Trainer(options, h, featurizer.dim, standardizer, step, scoring);
    const { params, bestEpoch, curve } = await trainer.fit(train, validation, rng);
    const trainResult = await trainer.evaluate(params, train);
    const metrics: TrainingMetrics = {
      epochs: curve.length,
      bestEpoch,
      stoppedEarly: curve.length < h.epochs,
      train: { n: trainResult.n, loss: trainResult.loss, accuracy: trainResult.accuracy },
      heldOut: validation ? await trainer.heldOut(params, validation) : null,
      curve,
    };
    await writeModelDir(options.outDir, buildInferenceGraph(params, standardizer.mean, standardizer.scale), {
      ...MODEL_FORMAT,
      model: {
        kind: "mlp+linear",
        inputs: featurizer.dim,
        hidden: h.hidden,
        activation: "relu",
        input: "features",
        output: "reward",
      },
      features: featurizer.config,
      loss: "bradley-terry",
      optimizer: { kind: "adamw", ...ADAM },
      hyperparameters: h,
      device,
      data: {
        sha256: pairsSha256(pairs),
        pairs: pairs.length,
        ties: pairs.filter((p) => p.tie).length,
        trainPairs: split.train.length,
        validationPairs: split.validation.length,
      },
      metrics,
    });
    return metrics;
  } finally {
    for (const s of sessions) await s.release();
    await featurizer.close();
  }
}
