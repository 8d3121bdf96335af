/**
 * Reads the answer files of `pairwise aggregate`: CSV with a header row, or JSON Lines (one object a line).
 * Files are streamed in chunks and split by hand, and each row goes straight into an integer index, which
 * keeps a million-row file to about a second; a CSV file that uses quotes is handed to csv-parse instead,
 * which handles quoting in full.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse";
import { LabelIndexer, PairIndexer, type GoldComparison } from "../reward/consensus/algorithms/index.ts";
import { CliError } from "./cli-error.ts";

export const LABEL_COLUMNS = ["task", "worker", "label"] as const;
export const PAIR_COLUMNS = ["worker", "left", "right", "label"] as const;
export const GOLD_COLUMNS = ["task", "label"] as const;
const PAIR_LABELS = new Set(["left", "right", "tie"]);

export type AggregateInput = { kind: "labels"; answers: LabelIndexer } | { kind: "pairs"; answers: PairIndexer };

/**
 * Receives each data row: `variant` is the index of the column set found, `values` the row's values in
 * that set's order (the same array, overwritten for every row), `line` its line number in the file.
 */
type RowHandler = (variant: number, values: string[], line: number) => void;

class NeedsCsvParser extends Error {}

async function detectFormat(file: string): Promise<"csv" | "jsonl"> {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  for await (const chunk of createReadStream(file, { encoding: "utf8", start: 0, end: 4095 })) {
    return (chunk as string).trimStart().startsWith("{") ? "jsonl" : "csv";
  }
  return "csv";
}

/** Calls onLine for every non-blank line with its 1-based line number, reading the file in chunks. */
async function eachLine(file: string, onLine: (line: string, lineNumber: number) => void): Promise<void> {
  let rest = "";
  let lineNumber = 0;
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf("\n", start); nl !== -1; nl = text.indexOf("\n", start)) {
      lineNumber++;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end > start) onLine(text.slice(start, end), lineNumber);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  const line = rest.endsWith("\r") ? rest.slice(0, -1) : rest;
  if (line.length > 0) onLine(line, lineNumber + 1);
}

/** Picks the first column set that the header (or first JSON object) has, or fails naming what is missing. */
function chooseColumns(available: string[], alternatives: readonly (readonly string[])[], file: string): number {
  const have = new Set(available);
  const index = alternatives.findIndex((set) => set.every((c) => have.has(c)));
  if (index >= 0) return index;
  const expected = alternatives.map((set) => set.join(",")).join(" or ");
  const closest = alternatives.map((set) => set.filter((c) => !have.has(c))).sort((a, b) => a.length - b.length)[0];
  throw new CliError(`${file}: missing column(s) ${closest.join(", ")} (expected ${expected})`);
}

const normalizeHeader = (fields: string[]) =>
  fields.map((f) =>
    f
      .trim()
      .replace(/^\uFEFF/, "")
      .toLowerCase(),
  );

async function readCsvFast(
  file: string,
  alternatives: readonly (readonly string[])[],
  onRow: RowHandler,
): Promise<number> {
  let variant = -1;
  let positions: number[] = [];
  let width = 0;
  let rows = 0;
  const values: string[] = [];
  await eachLine(file, (line, lineNumber) => {
    if (line.includes('"')) throw new NeedsCsvParser();
    if (variant < 0) {
      const header = normalizeHeader(line.split(","));
      variant = chooseColumns(header, alternatives, file);
      positions = alternatives[variant].map((n) => header.indexOf(n));
      width = header.length;
      values.length = positions.length;
      return;
    }
    const fields = line.split(",");
    if (fields.length !== width)
      throw new CliError(`${file}: line ${lineNumber}: expected ${width} fields, got ${fields.length}`);
    for (let c = 0; c < positions.length; c++) values[c] = fields[positions[c]];
    rows++;
    onRow(variant, values, lineNumber);
  });
  return rows;
}

async function readCsvQuoted(
  file: string,
  alternatives: readonly (readonly string[])[],
  onRow: RowHandler,
): Promise<number> {
  let variant = -1;
  let positions: number[] = [];
  let rows = 0;
  const values: string[] = [];
  const parser = createReadStream(file).pipe(parse({ bom: true, skip_empty_lines: true, info: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (variant < 0) {
        const header = normalizeHeader(record);
        variant = chooseColumns(header, alternatives, file);
        positions = alternatives[variant].map((n) => header.indexOf(n));
        continue;
      }
      for (let c = 0; c < positions.length; c++) values[c] = record[positions[c]];
      rows++;
      onRow(variant, values, info.lines);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${file}: invalid CSV (${(error as Error).message})`);
  }
  return rows;
}

async function readJsonl(
  file: string,
  alternatives: readonly (readonly string[])[],
  onRow: RowHandler,
): Promise<number> {
  let variant = -1;
  let rows = 0;
  const values: string[] = [];
  await eachLine(file, (line, lineNumber) => {
    if (line.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new CliError(`${file}: line ${lineNumber}: invalid JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new CliError(`${file}: line ${lineNumber}: expected a JSON object`);
    }
    const record = parsed as Record<string, unknown>;
    if (variant < 0) variant = chooseColumns(Object.keys(record), alternatives, file);
    alternatives[variant].forEach((name, c) => {
      const value = record[name];
      if (typeof value !== "string" && typeof value !== "number") {
        throw new CliError(`${file}: line ${lineNumber}: "${name}" must be a string or a number`);
      }
      values[c] = String(value);
    });
    rows++;
    onRow(variant, values, lineNumber);
  });
  return rows;
}

/**
 * Streams a CSV or JSONL file row by row, with the columns of the first of `alternatives` that it has.
 * Fails with a one-line CliError on a missing or empty file, missing columns, malformed rows or empty values.
 */
export async function readRows(
  file: string,
  alternatives: readonly (readonly string[])[],
  onRow: RowHandler,
): Promise<void> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CliError(`${file}: not a file`);
    if (info.size === 0) throw new CliError(`${file}: empty file`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `${file}: ${code === "ENOENT" ? "no such file" : `cannot read (${code ?? (error as Error).message})`}`,
    );
  }
  const checked: RowHandler = (variant, values, line) => {
    for (let c = 0; c < values.length; c++) {
      if (values[c] === undefined || values[c] === "") {
        throw new CliError(`${file}: line ${line}: empty "${alternatives[variant][c]}"`);
      }
    }
    onRow(variant, values, line);
  };
  let rows: number;
  if ((await detectFormat(file)) === "jsonl") rows = await readJsonl(file, alternatives, checked);
  else {
    try {
      rows = await readCsvFast(file, alternatives, checked);
    } catch (error) {
      if (!(error instanceof NeedsCsvParser)) throw error;
      rows = await readCsvQuoted(file, alternatives, checked);
    }
  }
  if (rows === 0) throw new CliError(`${file}: no answers (only a header, or blank lines)`);
}

/** Answers: labels (task,worker,label) or pairwise preferences (worker,left,right,label), indexed as read. */
export async function readAggregateInput(file: string): Promise<AggregateInput> {
  const labels = new LabelIndexer();
  const pairs = new PairIndexer();
  let kind = "labels" as AggregateInput["kind"];
  await readRows(file, [PAIR_COLUMNS, LABEL_COLUMNS], (variant, v, line) => {
    if (variant === 1) {
      labels.add(v[0], v[1], v[2]);
      return;
    }
    kind = "pairs";
    if (!PAIR_LABELS.has(v[3]))
      throw new CliError(`${file}: line ${line}: label must be left, right or tie, got "${v[3]}"`);
    if (v[1] === v[2]) throw new CliError(`${file}: line ${line}: item "${v[1]}" is compared with itself`);
    pairs.add(v[0], v[1], v[2], v[3]);
  });
  return kind === "pairs" ? { kind, answers: pairs } : { kind, answers: labels };
}

export const PAIR_GOLD_COLUMNS = ["left", "right", "label"] as const;

/** Gold comparisons for pairwise input: left,right,label (left, right or tie). */
export async function readPairGold(file: string): Promise<GoldComparison[]> {
  const gold: GoldComparison[] = [];
  await readRows(file, [PAIR_GOLD_COLUMNS], (_, [left, right, label], line) => {
    if (!PAIR_LABELS.has(label))
      throw new CliError(`${file}: line ${line}: label must be left, right or tie, got "${label}"`);
    if (left === right) throw new CliError(`${file}: line ${line}: item "${left}" is compared with itself`);
    gold.push({ left, right, label: label as GoldComparison["label"] });
  });
  return gold;
}

/** Gold answers: task,label. A task listed twice with different labels is an error. */
export async function readGold(file: string): Promise<Map<string, string>> {
  const gold = new Map<string, string>();
  await readRows(file, [GOLD_COLUMNS], (_, [task, label], line) => {
    const previous = gold.get(task);
    if (previous !== undefined && previous !== label) {
      throw new CliError(`${file}: line ${line}: task "${task}" has two gold labels ("${previous}" and "${label}")`);
    }
    gold.set(task, label);
  });
  return gold;
}
