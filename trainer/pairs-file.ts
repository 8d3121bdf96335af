/**
 * Reads preference pairs from JSON Lines: one row a line in a shape pair-texts.ts accepts, with optional `weight`
 * (or `confidence`, as in consensus exports) and `tie`. Other fields are ignored. Lines are split and parsed as
 * dataset uploads are (datasets/records.ts); a problem names its line and, where it is about one value, its column.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { formatProblem, type DatasetProblem } from "../datasets/errors.ts";
import { boundedLines } from "../datasets/lines.ts";
import { formatFromName, MAX_LINE_CHARS, readRecords } from "../datasets/records.ts";
import { pairTexts, RowProblem } from "./pair-texts.ts";
import { TrainingInputError, type PreferencePair } from "./pairs.ts";

function fail(file: string, problem: DatasetProblem): never {
  throw new TrainingInputError(`${file}: ${formatProblem(problem)}`);
}

/** The text of line `line` of the file, read again only to place an error. */
async function lineText(file: string, line: number): Promise<string> {
  for await (const next of boundedLines(createReadStream(file), MAX_LINE_CHARS))
    if (next.line === line) return next.tooLong ? "" : next.text;
  return "";
}

async function looksLikeCsv(file: string): Promise<boolean> {
  const first = (await lineText(file, 1)).trim();
  return !/^[[{]/.test(first) && (formatFromName(file) === "csv" || first.includes(","));
}

function pairFrom(value: Record<string, unknown>): PreferencePair {
  const pair: PreferencePair = pairTexts(value);
  const field = "weight" in value ? "weight" : "confidence";
  const weight = value[field];
  if (weight !== undefined && weight !== null) {
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0)
      throw new RowProblem(`"${field}" must be a number ≥ 0, got ${JSON.stringify(weight)}`, [field]);
    pair.weight = weight;
  }
  if (value.tie !== undefined && value.tie !== null) {
    if (typeof value.tie !== "boolean")
      throw new RowProblem(`"tie" must be true or false, got ${JSON.stringify(value.tie)}`, ["tie"]);
    pair.tie = value.tie;
  }
  return pair;
}

export async function readPairsFile(file: string): Promise<PreferencePair[]> {
  try {
    if (!(await stat(file)).isFile()) throw new TrainingInputError(`${file}: not a file`);
  } catch (error) {
    if (error instanceof TrainingInputError) throw error;
    throw new TrainingInputError(`${file}: no such file`);
  }
  const pairs: PreferencePair[] = [];
  for await (const record of readRecords(createReadStream(file), "jsonl")) {
    if (!record.ok) {
      if (record.problem.line === 1 && (await looksLikeCsv(file)))
        throw new TrainingInputError(
          `${file} looks like CSV; preference pairs are read from JSON Lines, one {"prompt","chosen","rejected"} object a line`,
        );
      fail(file, record.problem);
    }
    try {
      pairs.push(pairFrom(record.value));
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      const column = error.at && record.columnOf?.(error.at);
      fail(file, { line: record.line, column, message: error.message });
    }
  }
  if (pairs.length === 0) throw new TrainingInputError(`${file}: no preference pairs`);
  return pairs;
}
