/** Reading a command's option values and writing its results, shared by the commands. */
import { CliError } from "./cli-error.ts";

export type OptionValues = Record<string, string | boolean | undefined>;

export function requiredString(values: OptionValues, name: string, what: string): string {
  const value = values[name];
  if (typeof value !== "string") throw new CliError(`--${name} ${what} is required`);
  if (value.trim() === "") throw new CliError(`--${name} is empty`);
  return value;
}

export function optionalNumber(values: OptionValues, name: string, whole: boolean): number | undefined {
  const raw = values[name];
  if (typeof raw !== "string") return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || (whole && !Number.isInteger(value)))
    throw new CliError(`--${name} must be ${whole ? "a whole number" : "a number"}, got "${raw}"`);
  return value;
}

/** Writes to standard output and resolves once it has been handed on, so a piped reader gets all of it. */
export function writeStdout(text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

export const writeJson = (value: unknown) => writeStdout(JSON.stringify(value) + "\n");
