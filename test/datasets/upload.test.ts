import { Readable } from "node:stream";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { DatasetError, ingestDataset, MAX_FIELD_CHARS, type DatasetFormat } from "../../datasets/index.ts";
import type { Project } from "../../db/queries/projects.ts";
import { items, uploads } from "../../db/schema/index.ts";
import { createTestDb } from "../support/db.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";

let h: DbHandle;
let pairwise: Project;
let rating: Project;
let labelProject: Project;

beforeAll(async () => {
  h = await createTestDb();
  const owner = await makeUser(h.db, "requester");
  pairwise = await makeProject(h.db, owner.id);
  rating = await makeProject(h.db, owner.id, { taskType: "rating", ratingMin: 1, ratingMax: 5 });
  labelProject = await makeProject(h.db, owner.id, { taskType: "label", categories: ["spam", "ham"] });
});
afterAll(() => h.close());

const ingest = (project: Project, text: string | Buffer, format: DatasetFormat = "jsonl", filename = `f.${format}`) =>
  ingestDataset(h.db, { project, input: Readable.from([text]), filename, format });

async function itemCount(project: Project) {
  const [row] = await h.db.select({ n: count() }).from(items).where(eq(items.projectId, project.id));
  return row.n;
}
async function uploadCount(project: Project) {
  const [row] = await h.db.select({ n: count() }).from(uploads).where(eq(uploads.projectId, project.id));
  return row.n;
}

const good = (i: number) => JSON.stringify({ id: `g${i}`, prompt: "p", response_a: "a", response_b: "b" });

describe("dataset upload: bad files are refused with their line and nothing is stored", () => {
  const cases: { name: string; format: DatasetFormat; text: string; line: number; column?: number; message: RegExp }[] =
    [
      {
        name: "invalid JSON",
        format: "jsonl",
        text: `${good(1)}\n{"prompt": "p",,}`,
        line: 2,
        column: 16,
        message: /invalid JSON/,
      },
      {
        name: "missing field",
        format: "jsonl",
        text: `${good(1)}\n${good(2)}\n{"prompt":"p","response_a":"a"}`,
        line: 3,
        message: /missing "response_b"/,
      },
      {
        name: "extra field",
        format: "jsonl",
        text: `{"prompt":"p","response_a":"a","response_b":"b","score":3}`,
        line: 1,
        message: /unexpected "score"/,
      },
      {
        name: "empty text",
        format: "jsonl",
        text: `${good(1)}\n{"prompt":"  ","response_a":"a","response_b":"b"}`,
        line: 2,
        message: /"prompt" is empty/,
      },
      {
        name: "wrong type",
        format: "jsonl",
        text: `{"prompt":"p","response_a":5,"response_b":"b"}`,
        line: 1,
        column: 28,
        message: /"response_a" must be a string/,
      },
      {
        name: "duplicate id",
        format: "jsonl",
        text: `${good(1)}\n${good(2)}\n${good(1)}`,
        line: 3,
        message: /duplicate item: the same id as line 1/,
      },
      {
        name: "duplicate content without ids",
        format: "jsonl",
        text: `{"prompt":"p","response_a":"a","response_b":"b"}\n{"prompt":"p","response_a":"a","response_b":"b"}`,
        line: 2,
        message: /same content as line 1/,
      },
      {
        name: "over-long field",
        format: "jsonl",
        text: JSON.stringify({ prompt: "x".repeat(MAX_FIELD_CHARS + 1), response_a: "a", response_b: "b" }),
        line: 1,
        message: /limit is/,
      },
      {
        name: "bad gold",
        format: "jsonl",
        text: `{"prompt":"p","response_a":"a","response_b":"b","gold":"c"}`,
        line: 1,
        column: 56,
        message: /"gold" must be one of a, b, tie, both_bad/,
      },
      {
        name: "metadata not an object",
        format: "jsonl",
        text: `{"prompt":"p","response_a":"a","response_b":"b","metadata":[1]}`,
        line: 1,
        message: /"metadata" must be a JSON object/,
      },
      { name: "a JSON array file", format: "jsonl", text: `[${good(1)}]`, line: 1, message: /JSON array/ },
      {
        name: "a CSV file sent as JSONL",
        format: "jsonl",
        text: "prompt,response_a,response_b\np,a,b",
        line: 1,
        message: /looks like a CSV header/,
      },
      {
        name: "a binary file",
        format: "jsonl",
        text: "PK\u0003\u0004\u0000\u0000binary",
        line: 1,
        message: /not a text file/,
      },
      { name: "empty file", format: "jsonl", text: "\n\n", line: 1, message: /no items/ },
      {
        name: "CSV missing column",
        format: "csv",
        text: "prompt,response_a\np,a",
        line: 2,
        message: /missing "response_b"/,
      },
      {
        name: "CSV wrong column count",
        format: "csv",
        text: "prompt,response_a,response_b\np,a,b\np,a",
        line: 3,
        column: 3,
        message: /expected 3 columns/,
      },
      {
        name: "CSV empty cell",
        format: "csv",
        text: "prompt,response_a,response_b\np,a,b\np,,b",
        line: 3,
        column: 2,
        message: /"response_a" is empty/,
      },
      {
        name: "CSV bad metadata",
        format: "csv",
        text: "prompt,response_a,response_b,metadata\np,a,b,{oops",
        line: 2,
        column: 4,
        message: /JSON object/,
      },
      {
        name: "CSV unclosed quote",
        format: "csv",
        text: 'prompt,response_a,response_b\np,"a,b\n',
        line: 2,
        message: /invalid CSV/,
      },
      { name: "JSON sent as CSV", format: "csv", text: good(1), line: 1, message: /looks like JSON/ },
    ];

  for (const c of cases) {
    it(c.name, async () => {
      const error = await ingest(pairwise, c.text, c.format).catch((e) => e);
      expect(error).toBeInstanceOf(DatasetError);
      const problem = (error as DatasetError).problems[0];
      expect(problem.line).toBe(c.line);
      if (c.column) expect(problem.column).toBe(c.column);
      expect(problem.message).toMatch(c.message);
      expect(await itemCount(pairwise)).toBe(0);
      expect(await uploadCount(pairwise)).toBe(0);
    });
  }

  it("reports several problems at once, each with its line", async () => {
    const text = [good(1), "{bad", good(2), `{"prompt":"p"}`].join("\n");
    const error = (await ingest(pairwise, text).catch((e) => e)) as DatasetError;
    expect(error.problems.map((p) => p.line)).toEqual([2, 4]);
    expect(error.message).toMatch(/^line 2, column 2: invalid JSON/);
  });

  it("refuses a whole large file when only its last line is bad", async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => good(i));
    lines.push('{"prompt":"p"');
    const error = (await ingest(pairwise, lines.join("\n")).catch((e) => e)) as DatasetError;
    expect(error.problems[0].line).toBe(3001);
    expect(await itemCount(pairwise)).toBe(0);
  });

  it("checks gold against the project's rating scale and categories", async () => {
    const r = (await ingest(rating, `{"prompt":"p","response":"r","gold":9}`).catch((e) => e)) as DatasetError;
    expect(r.problems[0].message).toMatch(/integer from 1 to 5/);
    const l = (await ingest(labelProject, `{"text":"t","gold":"eggs"}`).catch((e) => e)) as DatasetError;
    expect(l.problems[0].message).toMatch(/one of the categories \(spam, ham\)/);
  });
});

describe("dataset upload: accepted shapes", () => {
  it("stores every pairwise shape, and a re-upload adds nothing", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id);
    const text = [
      JSON.stringify({ id: 1, prompt: "p1", response_a: "a1", response_b: "b1", gold: "a", metadata: { src: "x" } }),
      JSON.stringify({ prompt: "p2", chosen: "c2", rejected: "r2" }),
      JSON.stringify({
        prompt: [{ role: "user", content: "hello" }],
        chosen: [{ role: "assistant", content: "hi!" }],
        rejected: [{ role: "assistant", content: "go away" }],
      }),
      JSON.stringify({ chosen: "\n\nHuman: 2+2?\n\nAssistant: 4", rejected: "\n\nHuman: 2+2?\n\nAssistant: 5" }),
    ].join("\r\n");
    const first = await ingest(project, text);
    expect(first).toMatchObject({ rows: 4, inserted: 4, duplicates: 0 });
    const again = await ingest(project, text);
    expect(again).toMatchObject({ rows: 4, inserted: 0, duplicates: 4 });
    expect(await itemCount(project)).toBe(4);

    const stored = await h.db.select().from(items).where(eq(items.projectId, project.id)).orderBy(items.id);
    expect(stored[0]).toMatchObject({ externalId: "1", gold: "a", metadata: { src: "x" }, labelsWanted: 3 });
    expect(stored[1].content).toEqual({ kind: "pairwise", prompt: "p2", responseA: "c2", responseB: "r2" });
    expect(stored[2].content).toEqual({ kind: "pairwise", prompt: "hello", responseA: "hi!", responseB: "go away" });
    expect(stored[3].content).toEqual({ kind: "pairwise", prompt: "Human: 2+2?", responseA: "4", responseB: "5" });
  });

  it("reads CSV with quoted multi-line cells, metadata and gold, reporting the file's own line numbers", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { taskType: "rating", ratingMin: 1, ratingMax: 7 });
    const csv =
      'id,prompt,response,gold,metadata\nr1,"Write a poem","Roses\nare red",5,"{""lang"":""en""}"\nr2,Q,A,,\nr3,Q2,,,\n';
    const error = (await ingest(project, csv, "csv").catch((e) => e)) as DatasetError;
    expect(error.problems).toEqual([{ line: 5, column: 3, message: '"response" is empty' }]);
    const ok = await ingest(project, csv.split("\n").slice(0, 4).join("\n"), "csv");
    expect(ok).toMatchObject({ rows: 2, inserted: 2 });
    const [first] = await h.db.select().from(items).where(eq(items.externalId, "r1"));
    expect(first).toMatchObject({ gold: "5", metadata: { lang: "en" } });
    expect(first.content).toEqual({ kind: "rating", prompt: "Write a poem", response: "Roses\nare red" });
  });

  it("stores label items", async () => {
    const result = await ingest(labelProject, `{"text":"buy now","gold":"spam"}\n{"text":"hello friend"}`);
    expect(result.inserted).toBe(2);
  });
});

describe("upload spool files", () => {
  it("removes at start-up the spools of processes that died mid-upload, never those of live ones", async () => {
    const { removeOrphanSpools } = await import("../../datasets/index.ts");
    const { writeFileSync, existsSync } = await import("node:fs");
    const { spawnSync } = await import("node:child_process");
    const { makeTempDir } = await import("../support/temp-dir.ts");
    const dir = makeTempDir("spool");
    const dead = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid!;
    const orphan = `${dir}/pairwise-upload-${dead}-00000000-0000-4000-8000-000000000000.jsonl`;
    const live = `${dir}/pairwise-upload-${process.pid}-00000000-0000-4000-8000-000000000001.jsonl`;
    const other = `${dir}/notes.txt`;
    for (const f of [orphan, live, other]) writeFileSync(f, "x");
    expect(await removeOrphanSpools(dir)).toBe(1);
    expect([existsSync(orphan), existsSync(live), existsSync(other)]).toEqual([false, true, true]);
  });
});
