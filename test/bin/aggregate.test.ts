import { runCli } from "../support/cli.ts";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, writeFileIn } from "../support/temp-dir.ts";

let dir: string;

const file = (name: string, content: string) => writeFileIn(dir, name, content);

function aggregate(...args: string[]) {
  return runCli(["aggregate", ...args], { cwd: dir });
}

const LABELS_CSV = `task,worker,label
t1,alice,cat
t1,bob,cat
t1,carol,dog
t2,alice,dog
t2,bob,dog
t2,carol,dog
t3,alice,cat
t3,bob,cat
t3,carol,dog
`;

beforeAll(() => {
  dir = makeTempDir("aggregate");
});

describe("pairwise aggregate", () => {
  it("aggregates labels from CSV to standard output", async () => {
    const { code, stdout } = await aggregate("--input", await file("labels.csv", LABELS_CSV));
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.tasks.map((t: { task: string; label: string }) => [t.task, t.label])).toEqual([
      ["t1", "cat"],
      ["t2", "dog"],
      ["t3", "cat"],
    ]);
    for (const t of out.tasks) expect(t.confidence).toBeGreaterThan(0.5);
    expect(out.workers.map((w: { worker: string }) => w.worker)).toEqual(["alice", "bob", "carol"]);
    for (const w of out.workers) expect(w.quality).toBeGreaterThanOrEqual(0);
    const carol = out.workers.find((w: { worker: string }) => w.worker === "carol");
    expect(carol.quality).toBeLessThan(out.workers[0].quality);
  });

  it("reads JSONL answers and CSV gold, and writes --out", async () => {
    const jsonl = LABELS_CSV.trim()
      .split("\n")
      .slice(1)
      .map((l) => {
        const [task, worker, label] = l.split(",");
        return JSON.stringify({ task, worker, label });
      })
      .join("\n");
    const input = await file("labels.jsonl", jsonl + "\n");
    const gold = await file("gold.csv", "task,label\nt3,dog\n");
    const out = path.join(dir, "out.json");
    const { code, stdout } = await aggregate("--input", input, "--gold", gold, "--out", out);
    expect(code).toBe(0);
    expect(stdout).toBe("");
    const result = JSON.parse(await readFile(out, "utf8"));
    expect(result.tasks[2]).toMatchObject({ task: "t3", label: "dog", confidence: 1, gold: true });
    expect(result.workers.find((w: { worker: string }) => w.worker === "carol")).toMatchObject({
      goldAnswered: 1,
      goldCorrect: 1,
    });
  });

  it("handles quoted CSV fields", async () => {
    const quoted = 'task,worker,label\n"t,1",alice,"a ""cat"""\n"t,1",bob,"a ""cat"""\nt2,alice,dog\nt2,bob,dog\n';
    const { code, stdout } = await aggregate("--input", await file("quoted.csv", quoted));
    expect(code).toBe(0);
    expect(JSON.parse(stdout).tasks[0]).toMatchObject({ task: "t,1", label: 'a "cat"' });
  });

  it("scores items from pairwise answers in CSV and JSONL", async () => {
    const rows = [
      ["ann", "a", "b", "left"],
      ["ann", "b", "c", "left"],
      ["ann", "c", "a", "right"],
      ["ben", "b", "a", "right"],
      ["ben", "a", "c", "left"],
      ["ben", "c", "b", "tie"],
    ];
    const csv = await file("pairs.csv", "worker,left,right,label\n" + rows.map((r) => r.join(",")).join("\n") + "\n");
    const jsonl = await file(
      "pairs.ndjson",
      rows.map(([worker, left, right, label]) => JSON.stringify({ worker, left, right, label })).join("\n"),
    );
    for (const input of [csv, jsonl]) {
      const { code, stdout } = await aggregate("--input", input);
      expect(code).toBe(0);
      const out = JSON.parse(stdout);
      const score = Object.fromEntries(out.items.map((i: { item: string; score: number }) => [i.item, i.score]));
      expect(Object.keys(score)).toEqual(["a", "b", "c"]);
      expect(score.a).toBeGreaterThan(score.b);
      expect(score.b).toBeGreaterThan(score.c);
      expect(out.workers.map((w: { worker: string; quality: number }) => typeof w.quality)).toEqual([
        "number",
        "number",
      ]);
    }
  });

  it.each([
    ["a missing file", () => Promise.resolve(path.join("/nonexistent", "answers.csv")), /no such file/],
    ["an empty file", () => file("empty.csv", ""), /empty file/],
    ["a header without rows", () => file("header.csv", "task,worker,label\n"), /no answers/],
    ["a missing column", () => file("nolabel.csv", "task,worker\nt1,a\n"), /missing column\(s\) label/],
    [
      "invalid JSON",
      () => file("bad.jsonl", '{"task":"t1","worker":"a","label":"x"}\n{"task": t2}\n'),
      /line 2: invalid JSON/,
    ],
    ["every task with one answer", () => file("single.csv", "task,worker,label\nt1,a,x\nt2,b,y\n"), /only one answer/],
    [
      "an unknown pair label",
      () => file("up.csv", "worker,left,right,label\nw,a,b,left\nw,a,b,up\n"),
      /line 3: label must be left, right or tie/,
    ],
    ["a ragged CSV row", () => file("ragged.csv", "task,worker,label\nt1,a,x\nt1,b\n"), /line 3: expected 3 fields/],
  ])("fails with a one-line reason on %s", async (_, make, reason) => {
    const { code, stdout, stderr } = await aggregate("--input", await make());
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^pairwise aggregate: /);
    expect(stderr).toMatch(reason);
  });

  it("takes pairwise gold as left,right,label: it pins those comparisons and judges labelers by them", async () => {
    const rows = ["worker,left,right,label"];
    for (let i = 0; i < 4; i++) {
      for (const w of ["honest", "liar1", "liar2"]) {
        const label = w === "honest" ? "left" : "right";
        rows.push(`${w},a${i},b${i},${label}`, `${w},g${i},h${i},${label}`);
      }
    }
    const pairs = await file("gold-pairs.csv", rows.join("\n") + "\n");
    const score = (out: { items: Array<{ item: string; score: number }> }, id: string) =>
      out.items.find((i) => i.item === id)!.score;
    // Two liars outvote one honest labeler...
    const without = JSON.parse((await aggregate("--input", pairs)).stdout);
    expect(score(without, "a0")).toBeLessThan(score(without, "b0"));
    // ...until gold shows who is lying.
    const gold = await file(
      "gold-pairs-gold.csv",
      "left,right,label\n" + [0, 1, 2, 3].map((i) => `g${i},h${i},left`).join("\n") + "\n",
    );
    const withGold = JSON.parse((await aggregate("--input", pairs, "--gold", gold)).stdout);
    expect(score(withGold, "a0")).toBeGreaterThan(score(withGold, "b0"));
    expect(score(withGold, "g0") - score(withGold, "h0")).toBe(4);
    const quality = new Map(withGold.workers.map((w: { worker: string; quality: number }) => [w.worker, w.quality]));
    expect(quality.get("honest")).toBeGreaterThan(0.5);
    expect(quality.get("liar1")).toBe(0);

    const wrongColumns = await aggregate("--input", pairs, "--gold", await file("g.csv", "task,label\nt1,x\n"));
    expect(wrongColumns.code).toBe(1);
    expect(wrongColumns.stderr).toMatch(/g\.csv: .*left.*right.*label/);
  });

  it("refuses an --out it cannot write with the reason on one line, and writes nothing to standard output", async () => {
    const input = await file("labels.csv", LABELS_CSV);
    const missing = path.join(dir, "missing");
    const inFile = path.join(await file("plain.txt", "x"), "out.json");
    for (const [out, reason] of [
      [
        path.join(missing, "out.json"),
        `cannot write ${path.join(missing, "out.json")}: the folder ${missing} does not exist`,
      ],
      [inFile, `cannot write ${inFile}: part of the path ${path.dirname(inFile)} is a file, not a folder`],
      [dir, `cannot write ${dir}: it is a folder`],
    ]) {
      const run = await aggregate("--input", input, "--out", out);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(`pairwise aggregate: ${reason}\n`);
    }
  });

  it("requires --input", async () => {
    const none = await aggregate();
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--input FILE is required/);
  });

  it("prints its usage with --help", async () => {
    const { code, stdout } = await aggregate("--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: pairwise aggregate --input FILE \[--gold FILE\] \[--out FILE\]/);
  });
});
