/**
 * Reads preference pairs from JSON Lines: `{"prompt","chosen","rejected"}` per line, where each text may be a
 * string or a TRL list of {role, content} messages (or `{"chosen","rejected"}` Anthropic-HH transcripts),
 * with optional `weight` (or `confidence`, as in consensus exports) and `tie`. Other fields are ignored.
 * Text fields are read exactly as dataset uploads read them (db/datasets).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { formatProblem, type DatasetProblem } from "../datasets/errors.ts";
import { normalizeRecord } from "../datasets/normalize.ts";
import { readRecords } from "../datasets/records.ts";
import { TrainingInputError, type PreferencePair } from "./pairs.ts";

const CONTENT = ["prompt", "chosen", "rejected"];

function fail(file: string, problem: DatasetProblem): never {
  throw new TrainingInputError(`${file}: ${formatProblem(problem)}`);
}

function pairFrom(file: string, line: number, value: Record<string, unknown>): PreferencePair {
  const content = Object.fromEntries(CONTENT.filter((k) => k in value).map((k) => [k, value[k]]));
  const result = normalizeRecord({ taskType: "pairwise" }, { line, value: content });
  if (!result.ok) fail(file, result.problem);
  const item = result.item.content;
  if (item.kind !== "pairwise") fail(file, { line, message: "expected a pairwise preference" });
  const pair: PreferencePair = { prompt: item.prompt, chosen: item.responseA, rejected: item.responseB };
  const weight = value.weight ?? value.confidence;
  if (weight !== undefined && weight !== null) {
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0)
      fail(file, {
        line,
        message: `"${"weight" in value ? "weight" : "confidence"}" must be a number ≥ 0, got ${JSON.stringify(weight)}`,
      });
    pair.weight = weight;
  }
  if (value.tie !== undefined && value.tie !== null) {
    if (typeof value.tie !== "boolean")
      fail(file, { line, message: `"tie" must be true or false, got ${JSON.stringify(value.tie)}` });
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
    if (!record.ok) fail(file, record.problem);
    pairs.push(pairFrom(file, record.line, record.value));
  }
  if (pairs.length === 0) throw new TrainingInputError(`${file}: no preference pairs`);
  return pairs;
}
