import { StringDecoder } from "node:string_decoder";
import type { Readable } from "node:stream";

/** One line of a text stream: its text, or `tooLong` once it passed the limit (its text was not kept). */
export type Line = { line: number; text: string; tooLong?: false } | { line: number; tooLong: true };

/**
 * Splits a UTF-8 stream into lines (`\n`, `\r\n` or a lone `\r` end one, as node:readline does), holding at most
 * `maxChars` characters of a line: a line that passes the limit is reported as `tooLong` at once and the rest of it
 * is read and dropped, so memory stays bounded however long a line is.
 */
export async function* boundedLines(input: Readable, maxChars: number): AsyncGenerator<Line> {
  const decoder = new StringDecoder("utf8");
  let parts: string[] = [];
  let length = 0;
  let skipping = false;
  let line = 1;
  let afterCr = false;
  let sawText = false;

  function* take(piece: string): Generator<Line> {
    if (skipping || !piece) return;
    sawText = true;
    length += piece.length;
    if (length > maxChars) {
      parts = [];
      length = 0;
      skipping = true;
      yield { line, tooLong: true };
    } else parts.push(piece);
  }
  function* end(): Generator<Line> {
    if (!skipping) yield { line, text: parts.join("") };
    parts = [];
    length = 0;
    skipping = false;
    sawText = false;
    line++;
  }

  function* split(text: string): Generator<Line> {
    if (!text) return;
    let start = 0;
    if (afterCr && text.startsWith("\n")) start = 1;
    afterCr = false;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      yield* take(text.slice(start, i));
      yield* end();
      if (c === 13) {
        if (i + 1 === text.length) afterCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    yield* take(text.slice(start));
  }

  for await (const chunk of input) {
    yield* split(typeof chunk === "string" ? chunk : decoder.write(chunk as Buffer));
  }
  yield* split(decoder.end());
  if (sawText || skipping) yield* end();
}
