import { Readable } from "node:stream";
import { parse as parseCsv } from "csv-parse";
import type { DatasetProblem } from "./errors.ts";
import { columnAt, type JsonPath } from "./json-column.ts";
import { boundedLines } from "./lines.ts";

export type DatasetFormat = "jsonl" | "csv";

/**
 * One raw row with where it came from: `columns` maps CSV fields to their 1-based column; `columnOf` finds the
 * column of a value in a JSONL line.
 */
export type RawRecord =
  | {
      ok: true;
      line: number;
      value: Record<string, unknown>;
      columns?: Record<string, number>;
      columnOf?: (path: JsonPath) => number;
    }
  | { ok: false; problem: DatasetProblem };

/** The default longest line (JSONL) or record (CSV), in characters; a longer one is refused while it streams. */
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

/**
 * Where a JSON text (already parsed, so valid) spells a character that PostgreSQL text and jsonb cannot hold: a
 * `\u0000` escape (NUL) or a `\uD800`–`\uDFFF` escape that is not half of a surrogate pair. Raw NULs and
 * unpaired surrogates cannot reach here: JSON refuses raw control characters and UTF-8 decoding yields U+FFFD.
 */
function unstorableEscape(json: string): { index: number; message: string } | null {
  if (!json.includes("\\u")) return null;
  const code = (at: number) =>
    json[at] === "\\" && json[at + 1] === "u" ? parseInt(json.slice(at + 2, at + 6), 16) : -1;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') inString = !inString;
    else if (inString && c === "\\") {
      const unit = code(i);
      if (unit === 0) return { index: i, message: '"\\u0000" (a NUL character) cannot be stored; remove it' };
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const next = code(i + 6);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i += 11;
          continue;
        }
      }
      if (unit >= 0xd800 && unit <= 0xdfff)
        return {
          index: i,
          message: `"\\u${json.slice(i + 2, i + 6)}" is a lone UTF-16 surrogate, not a character; fix the text's encoding`,
        };
      i += unit >= 0 ? 5 : 1;
    }
  }
  return null;
}

async function* jsonlRecords(input: Readable, maxLineChars: number): AsyncGenerator<RawRecord> {
  for await (const next of boundedLines(input, maxLineChars)) {
    const { line } = next;
    if (next.tooLong) {
      yield { ok: false, problem: { line, message: `line is longer than ${maxLineChars} characters` } };
      continue;
    }
    const { text } = next;
    if (line === 1 && text.includes("\u0000")) {
      yield { ok: false, problem: { line, message: "this is not a text file (it contains NUL bytes)" } };
      return;
    }
    const trimmed = text.trim();
    if (!trimmed) continue;
    const lead = text.length - text.trimStart().length;
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
      const unstorable = unstorableEscape(trimmed);
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        yield { ok: false, problem: { line, message: "expected a JSON object" } };
      } else if (unstorable) {
        yield { ok: false, problem: { line, column: lead + unstorable.index + 1, message: unstorable.message } };
      } else {
        yield {
          ok: true,
          line,
          value: value as Record<string, unknown>,
          columnOf: (path) => lead + columnAt(trimmed, path),
        };
      }
    } catch (error) {
      const message = (error as Error).message;
      const column = jsonErrorColumn(message);
      yield {
        ok: false,
        problem: { line, column: column && lead + column, message: `invalid JSON: ${message}` },
      };
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

async function* csvRecords(input: Readable, maxLineChars: number): AsyncGenerator<RawRecord> {
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
      max_record_size: maxLineChars,
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
      const nul = record.findIndex((cell) => cell.includes("\u0000"));
      if (nul >= 0) {
        yield {
          ok: false,
          problem: { line, column: nul + 1, message: "the cell holds a NUL byte, which cannot be stored; remove it" },
        };
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
    // Records parsed before the error may never have reached this loop: the file is not "empty" for that.
    return;
  }
  if (!header) yield { ok: false, problem: { line: 1, message: "the file is empty" } };
}

export function readRecords(
  input: Readable,
  format: DatasetFormat,
  { maxLineChars = MAX_LINE_CHARS }: { maxLineChars?: number } = {},
): AsyncGenerator<RawRecord> {
  return format === "csv" ? csvRecords(input, maxLineChars) : jsonlRecords(input, maxLineChars);
}
