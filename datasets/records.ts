import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { parse as parseCsv } from "csv-parse";
import type { DatasetProblem } from "./errors.ts";

export type DatasetFormat = "jsonl" | "csv";

/** One raw row with where it came from; `columns` maps CSV fields to their 1-based column. */
export type RawRecord =
  | { ok: true; line: number; value: Record<string, unknown>; columns?: Record<string, number> }
  | { ok: false; problem: DatasetProblem };

export const MAX_LINE_CHARS = 4_000_000;

export function formatFromName(filename: string): DatasetFormat | null {
  const lower = filename.toLowerCase();
  if (/\.(jsonl|ndjson)$/.test(lower)) return "jsonl";
  if (lower.endsWith(".csv")) return "csv";
  return null;
}

/** Line and column of a JSON.parse failure, from V8's "at position N" message. */
function jsonErrorColumn(message: string): number | undefined {
  const match = /position (\d+)/.exec(message);
  return match ? Number(match[1]) + 1 : undefined;
}

async function* jsonlRecords(input: Readable): AsyncGenerator<RawRecord> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (line === 1 && text.includes("\u0000")) {
      yield { ok: false, problem: { line, message: "this is not a text file (it contains NUL bytes)" } };
      return;
    }
    const trimmed = text.trim();
    if (!trimmed) continue;
    if (trimmed.length > MAX_LINE_CHARS) {
      yield { ok: false, problem: { line, message: `line is longer than ${MAX_LINE_CHARS} characters` } };
      continue;
    }
    if (line === 1 && trimmed.startsWith("[")) {
      yield {
        ok: false,
        problem: { line, message: "expected JSON Lines (one object per line) but the file starts a JSON array" },
      };
      return;
    }
    if (!trimmed.startsWith("{")) {
      const looksCsv = line === 1 && trimmed.includes(",") && !trimmed.includes("{");
      yield {
        ok: false,
        problem: {
          line,
          column: 1,
          message: looksCsv
            ? "expected JSON Lines but this looks like a CSV header; upload it with a .csv name"
            : "expected a JSON object",
        },
      };
      if (looksCsv) return;
      continue;
    }
    try {
      const value = JSON.parse(trimmed) as unknown;
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        yield { ok: false, problem: { line, message: "expected a JSON object" } };
      } else {
        yield { ok: true, line, value: value as Record<string, unknown> };
      }
    } catch (error) {
      const message = (error as Error).message;
      yield { ok: false, problem: { line, column: jsonErrorColumn(message), message: `invalid JSON: ${message}` } };
    }
  }
}

/** Reads the first chunk to sniff the format, then hands back a stream that still starts at the first byte. */
async function peek(input: Readable): Promise<{ head: string; stream: Readable }> {
  const iterator = input[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? "" : Buffer.from(first.value).toString("utf8", 0, 64);
  async function* replay() {
    if (!first.done) yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head, stream: Readable.from(replay(), { objectMode: false }) };
}

async function* csvRecords(input: Readable): AsyncGenerator<RawRecord> {
  const { head, stream } = await peek(input);
  const start = head.replace(/^\uFEFF/, "").trimStart();
  if (start.startsWith("{") || start.startsWith("[")) {
    yield {
      ok: false,
      problem: { line: 1, message: "expected CSV with a header row but this looks like JSON; upload it as .jsonl" },
    };
    return;
  }
  const parser = stream.pipe(
    parseCsv({
      bom: true,
      columns: false,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: MAX_LINE_CHARS,
    }),
  );
  let header: string[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (!header) {
        if (record.some((cell) => cell.includes("\u0000"))) {
          yield { ok: false, problem: { line, message: "this is not a text file (it contains NUL bytes)" } };
          return;
        }
        header = record.map((cell) => cell.trim());
        const seen = new Set<string>();
        for (const [i, name] of header.entries()) {
          if (!name) yield { ok: false, problem: { line, column: i + 1, message: "empty column name in the header" } };
          else if (seen.has(name))
            yield { ok: false, problem: { line, column: i + 1, message: `column "${name}" appears twice` } };
          seen.add(name);
        }
        continue;
      }
      if (record.length !== header.length) {
        yield {
          ok: false,
          problem: {
            line,
            column: Math.min(record.length, header.length) + 1,
            message: `expected ${header.length} columns as in the header, found ${record.length}`,
          },
        };
        continue;
      }
      const value: Record<string, unknown> = {};
      const columns: Record<string, number> = {};
      header.forEach((name, i) => {
        value[name] = record[i];
        columns[name] = i + 1;
      });
      yield { ok: true, line, value, columns };
    }
  } catch (error) {
    const e = error as Error & { lines?: number; code?: string };
    yield { ok: false, problem: { line: e.lines ?? 0, message: `invalid CSV: ${e.message}` } };
  }
  if (!header) yield { ok: false, problem: { line: 1, message: "the file is empty" } };
}

export function readRecords(input: Readable, format: DatasetFormat): AsyncGenerator<RawRecord> {
  return format === "csv" ? csvRecords(input) : jsonlRecords(input);
}
