import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { DatasetError, ingestDataset, type DatasetFormat } from "../../datasets/index.ts";
import { readRecords, type RawRecord } from "../../datasets/records.ts";
import type { Project } from "../../db/queries/projects.ts";
import { createTestDb } from "../support/db.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";
import { heapProbe, lazyReadable } from "../support/streams.ts";

const MiB = 1024 * 1024;
const LIMIT = 1 * MiB;
const LINE = 64 * MiB;

let h: DbHandle;
let project: Project;

beforeAll(async () => {
  h = await createTestDb();
  project = await makeProject(h.db, (await makeUser(h.db, "requester")).id);
});
afterAll(() => h.close());

const good = (i: number) => JSON.stringify({ id: `g${i}`, prompt: "p", response_a: "a", response_b: "b" });

/** A file whose line 2 is a 64 MiB JSON string field, made lazily; the heap is sampled every 16 chunks. */
function hugeSecondLine(format: DatasetFormat) {
  const probe = heapProbe();
  let chunks = 0;
  const head = format === "jsonl" ? `${good(1)}\n{"prompt":"` : `id,prompt,response_a,response_b\ng1,p,a,b\ng2,"`;
  const tail = format === "jsonl" ? `","response_a":"a","response_b":"b"}\n${good(3)}\n` : `",a,b\ng3,p,a,b\n`;
  const { input, state } = lazyReadable({ head, fillBytes: LINE, tail }, () => {
    if (chunks++ % 16 === 0) probe.sample();
  });
  return { input, state, probe };
}

describe("line and field limits are enforced while streaming", () => {
  it("refuses a JSONL line over the limit as soon as it passes it, then skips the rest without keeping it", async () => {
    const { input, state, probe } = hugeSecondLine("jsonl");
    const records: RawRecord[] = [];
    let pulledAtRefusal = 0;
    for await (const record of readRecords(input, "jsonl", { maxLineChars: LIMIT })) {
      if (!record.ok && !pulledAtRefusal) pulledAtRefusal = state.pulled;
      records.push(record);
    }
    probe.sample();
    // Memory kept while streaming stays far below the line's size.
    expect(probe.peak).toBeLessThan(8 * MiB);
    // Refused once the limit was passed, not at the end of the 64 MiB line.
    expect(pulledAtRefusal).toBeLessThan(LIMIT + 4 * 64 * 1024);
    expect(state.pulled).toBeGreaterThan(LINE);
    expect(records.map((r) => (r.ok ? r.line : `problem at ${r.problem.line}`))).toEqual([1, "problem at 2", 3]);
    const problem = records.find((r) => !r.ok)!;
    expect(!problem.ok && problem.problem.message).toMatch(/line is longer than 1048576 characters/);
  });

  it("refuses a CSV record over the limit with its line, keeping memory bounded", async () => {
    const { input, probe } = hugeSecondLine("csv");
    const problems: { line: number; message: string }[] = [];
    for await (const record of readRecords(input, "csv", { maxLineChars: LIMIT })) {
      if (!record.ok) problems.push(record.problem);
    }
    probe.sample();
    expect(problems, JSON.stringify(problems)).toHaveLength(1);
    expect(problems[0].line).toBe(3);
    expect(problems[0].message).toMatch(/1048576/);
    expect(probe.peak).toBeLessThan(8 * MiB);
  });

  it("an upload with an over-long line is refused with that line and stores nothing", async () => {
    const { input, probe } = hugeSecondLine("jsonl");
    const error = await ingestDataset(h.db, {
      project,
      input,
      filename: "big.jsonl",
      format: "jsonl",
      maxLineChars: LIMIT,
    }).catch((e) => e);
    probe.sample();
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).problems).toEqual([{ line: 2, message: "line is longer than 1048576 characters" }]);
    expect(probe.peak).toBeLessThan(8 * MiB);
  });

  it("keeps line numbers and line breaks as before: CRLF, lone CR, blank lines, a last line without a break", async () => {
    const text = `${good(1)}\r\n\r\n${good(2)}\r${good(3)}\n\n${good(4)}`;
    const records: RawRecord[] = [];
    // One byte at a time, so every break straddles a chunk boundary.
    const input = Readable.from(
      [...Buffer.from(text)].map((b) => Buffer.from([b])),
      { objectMode: false },
    );
    for await (const record of readRecords(input, "jsonl")) records.push(record);
    expect(records.map((r) => r.ok && [r.line, r.value.id])).toEqual([
      [1, "g1"],
      [3, "g2"],
      [4, "g3"],
      [6, "g4"],
    ]);
  });

  it("counts characters, not bytes: a line of multi-byte characters just under the limit is accepted", async () => {
    const prompt = "é".repeat(1000);
    const line = JSON.stringify({ prompt, response_a: "a", response_b: "b" });
    const input = Readable.from([Buffer.from(line)], { objectMode: false });
    const records: RawRecord[] = [];
    for await (const record of readRecords(input, "jsonl", { maxLineChars: line.length })) records.push(record);
    expect(records[0].ok).toBe(true);
    const over = Readable.from([Buffer.from(line)], { objectMode: false });
    const refused: RawRecord[] = [];
    for await (const record of readRecords(over, "jsonl", { maxLineChars: line.length - 1 })) refused.push(record);
    expect(refused[0].ok).toBe(false);
  });
});
