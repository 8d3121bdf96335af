/** Reading a command's option values and writing its results, shared by the commands. */
import { writeFile } from "node:fs/promises";
import path from "node:path";
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

/** Writes a result file (an --out FILE), failing with the reason in words when the file cannot be written. */
export async function writeOutputFile(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${writeFailure(file, error as NodeJS.ErrnoException)}`);
  }
}

function writeFailure(file: string, error: NodeJS.ErrnoException): string {
  const folder = path.dirname(file);
  switch (error.code) {
    case "ENOENT":
      return `the folder ${folder} does not exist`;
    case "ENOTDIR":
      return `part of the path ${folder} is a file, not a folder`;
    case "EISDIR":
      return "it is a folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "the file system is read-only";
    default:
      return error.code ?? error.message;
  }
}
