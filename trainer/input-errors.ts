import { DeviceUnavailableError } from "./device.ts";
import { EncoderError } from "./features/encoder-error.ts";
import { ModelDirError } from "./model-dir.ts";
import { TrainingInputError } from "./pairs.ts";

/** Errors that describe what the caller asked for (bad pairs, a missing model, an unavailable device), not a fault. */
export function isTrainerInputError(error: unknown): error is Error {
  return (
    error instanceof TrainingInputError ||
    error instanceof ModelDirError ||
    error instanceof EncoderError ||
    error instanceof DeviceUnavailableError
  );
}
