/** What the trainer's commands (train, eval, score) share: the device option and one-line input errors. */
import { assertDeviceAvailable, isTrainerInputError, parseDevice } from "../trainer/index.ts";
import { CliError } from "./cli-error.ts";
import type { OptionValues } from "./options.ts";

/** Runs `action`, turning the trainer's input errors into one-line CLI reasons. */
export async function withTrainerErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (isTrainerInputError(error)) throw new CliError(error.message);
    throw error;
  }
}

/** The --device value, checked to be usable here before any work starts. */
export function deviceOption(values: OptionValues) {
  return withTrainerErrors(async () => {
    const device = parseDevice(typeof values.device === "string" ? values.device : "cpu");
    await assertDeviceAvailable(device);
    return device;
  });
}
