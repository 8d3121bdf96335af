export {
  trainRewardModel,
  TrainingAbortedError,
  DEFAULT_HYPERPARAMETERS,
  type TrainOptions,
  type TrainingProgress,
} from "./train.ts";
export { loadScorer, evaluateModel, type Scorer } from "./runtime.ts";
export { DEVICES, parseDevice, assertDeviceAvailable, DeviceUnavailableError, type Device } from "./device.ts";
export { TrainingInputError, type PreferencePair } from "./pairs.ts";
export {
  ModelDirError,
  readModelDir,
  type ModelMetadata,
  type TrainingMetrics,
  type HeldOutMetrics,
  type EpochRecord,
  type Hyperparameters,
} from "./model-dir.ts";
export { EncoderError } from "./features/encoder-error.ts";
export type { EncoderOptions, FeatureConfig } from "./features/featurizer.ts";
export { readPairsFile } from "./pairs-file.ts";
export { isTrainerInputError } from "./input-errors.ts";
