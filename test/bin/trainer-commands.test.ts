import { runCli } from "../support/cli.ts";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MIN_TRAINING_PAIRS } from "../../trainer/project-models.ts";
import { syntheticPreferences } from "../support/synthetic-preferences.ts";
import { makeTempDir, writeFileIn } from "../support/temp-dir.ts";

let dir: string;
let data: string;
let model: string;

function pairwise(...args: string[]) {
  return runCli(args, { cwd: dir });
}

const file = (name: string, content: string) => writeFileIn(dir, name, content);

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

beforeAll(async () => {
  dir = makeTempDir("train-cli");
  const pairs = syntheticPreferences({ pairs: 150, seed: 2 });
  // TRL conversational rows and weights are accepted alongside plain strings.
  const rows = pairs.map((p, i) =>
    i % 3 === 0
      ? {
          prompt: [{ role: "user", content: p.prompt }],
          chosen: [{ role: "assistant", content: p.chosen }],
          rejected: [{ role: "assistant", content: p.rejected }],
          weight: 0.8,
        }
      : { ...p, votes: 3 },
  );
  data = await file("pairs.jsonl", jsonl(rows));
  model = path.join(dir, "model");
});

describe("pairwise train, eval and score", () => {
  it("trains from JSONL, printing progress to standard error and metrics as JSON", async () => {
    const { code, stdout, stderr } = await pairwise(
      "train",
      "--data",
      data,
      "--out",
      model,
      "--epochs",
      "8",
      "--seed",
      "3",
    );
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ out: model, device: "cpu" });
    expect(out.metrics.heldOut.accuracy).toBeGreaterThan(out.metrics.heldOut.lengthBaselineAccuracy);
    const epochLines = stderr.split("\n").filter((l) => /val loss/.test(l));
    expect(epochLines).toHaveLength(out.metrics.epochs);
    expect(epochLines[0]).toMatch(
      /^epoch 1\/8 {2}step \d+\/\d+ {2}loss \d\.\d{4} {2}val loss \d\.\d{4} {2}val accuracy \d\.\d{3}$/,
    );
    const metadata = JSON.parse(await readFile(path.join(model, "metadata.json"), "utf8"));
    expect(metadata.data.pairs).toBe(150);
    expect(metadata.hyperparameters).toMatchObject({ epochs: 8, seed: 3 });
  });

  it("evaluates and scores with the trained model", async () => {
    const evaluation = await pairwise("eval", "--model", model, "--data", data);
    expect(evaluation.code).toBe(0);
    const { accuracy, n } = JSON.parse(evaluation.stdout);
    expect(n).toBe(150);
    expect(accuracy).toBeGreaterThan(0.8);
    const score = (response: string) =>
      pairwise("score", "--model", model, "--prompt", "Question 7: tell me about chess.", "--response", response);
    const [marked, plain] = await Promise.all([
      score("many people find the zebra useful"),
      score("many people find the details useful"),
    ]);
    expect(marked.code).toBe(0);
    const rewards = [JSON.parse(marked.stdout).reward, JSON.parse(plain.stdout).reward];
    expect(typeof rewards[0]).toBe("number");
    expect(rewards[0]).toBeGreaterThan(rewards[1]);
  });

  it("trains on Anthropic HH transcripts and implicit-prompt conversations, an empty rejected reply included", async () => {
    const rows = syntheticPreferences({ pairs: 80, seed: 4 }).map((p, i) => {
      if (i % 2 === 1)
        return {
          chosen: [
            { role: "user", content: p.prompt },
            { role: "assistant", content: p.chosen },
          ],
          rejected: [
            { role: "user", content: p.prompt },
            { role: "assistant", content: p.rejected },
          ],
        };
      const before = `\n\nHuman: ${p.prompt}\n\nAssistant:`;
      return { chosen: `${before} ${p.chosen}`, rejected: i === 0 ? before : `${before} ${p.rejected}` };
    });
    const hh = await file("hh.jsonl", jsonl(rows));
    const out = path.join(dir, "hh-model");
    const training = await pairwise("train", "--data", hh, "--out", out, "--epochs", "3");
    expect(training.code).toBe(0);
    expect(training.stderr).not.toMatch(/warning/);
    const metadata = JSON.parse(await readFile(path.join(out, "metadata.json"), "utf8"));
    expect(metadata.data.pairs).toBe(80);
    const evaluation = await pairwise("eval", "--model", out, "--data", hh);
    expect(evaluation.code).toBe(0);
    expect(JSON.parse(evaluation.stdout).n).toBe(80);
  });

  it("trains on fewer pairs than the app needs, with a one-line warning naming its minimum", async () => {
    const few = await file("few.jsonl", jsonl(syntheticPreferences({ pairs: 3, seed: 5 })));
    const { code, stdout, stderr } = await pairwise("train", "--data", few, "--out", path.join(dir, "few-model"));
    expect(code).toBe(0);
    expect(JSON.parse(stdout).metrics.train.n).toBe(3);
    expect(stderr.split("\n")[0]).toBe(
      `pairwise train: warning: only 3 preference pairs; the app needs at least ${MIN_TRAINING_PAIRS} to train a project's model (fewer give no held-out accuracy worth reporting)`,
    );
  });

  it.each([
    [
      "malformed JSON, with its line and column",
      ["train", "--data", "bad.jsonl", "--out", "m"],
      () => file("bad.jsonl", '{"prompt":"p","chosen":"a","rejected":"b"}\n{"prompt": "p", chosen}\n'),
      /bad\.jsonl: line 2, column 17: invalid JSON/,
    ],
    [
      "a conversational message without content, with its line and column",
      ["train", "--data", "message.jsonl", "--out", "m"],
      () =>
        file(
          "message.jsonl",
          jsonl([
            { prompt: "p", chosen: "a", rejected: "b" },
            { prompt: [{ role: "user", content: "q" }], chosen: [{ role: "assistant" }], rejected: "b" },
          ]),
        ),
      /message\.jsonl: line 2, column 53: "chosen" message 1 has no "content"/,
    ],
    [
      "a CSV file",
      ["train", "--data", "pairs.csv", "--out", "m"],
      () => file("pairs.csv", "prompt,chosen,rejected\np,a,b\n"),
      /pairs\.csv looks like CSV; preference pairs are read from JSON Lines, one \{"prompt","chosen","rejected"\} object a line/,
    ],
    [
      "a missing field",
      ["train", "--data", "missing.jsonl", "--out", "m"],
      () => file("missing.jsonl", jsonl([{ prompt: "p", chosen: "a" }])),
      /line 1: missing "rejected"/,
    ],
    [
      "a bad weight",
      ["train", "--data", "weight.jsonl", "--out", "m"],
      () => file("weight.jsonl", jsonl([{ prompt: "p", chosen: "a", rejected: "b", weight: "high" }])),
      /line 1, column 52: "weight" must be a number ≥ 0, got "high"/,
    ],
    [
      "a missing data file",
      ["train", "--data", "nowhere.jsonl", "--out", "m"],
      async () => {},
      /nowhere\.jsonl: no such file/,
    ],
    ["no --out", ["train", "--data", "x.jsonl"], async () => {}, /--out DIR is required/],
    [
      "an unknown device",
      ["train", "--data", "x.jsonl", "--out", "m", "--device", "tpu"],
      async () => {},
      /unknown device "tpu" \(expected cpu, cuda, webgpu\)/,
    ],
    [
      "a bad epoch count",
      ["train", "--data", "x.jsonl", "--out", "m", "--epochs", "many"],
      async () => {},
      /--epochs must be a whole number, got "many"/,
    ],
    [
      "a missing model directory",
      ["eval", "--model", "no-model", "--data", "ok.jsonl"],
      () => file("ok.jsonl", jsonl([{ prompt: "p", chosen: "a", rejected: "b" }])),
      /no-model: no such model directory/,
    ],
    [
      "a directory that holds no model",
      ["score", "--model", ".", "--prompt", "p", "--response", "r"],
      async () => {},
      /not a model directory \(no model\.onnx\)/,
    ],
    [
      "an empty response to score",
      ["score", "--model", "m", "--prompt", "p", "--response", ""],
      async () => {},
      /--response is empty/,
    ],
  ])("fails with a one-line reason on %s", async (_, args, make, reason) => {
    await make();
    const { code, stdout, stderr } = await pairwise(...args);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`^pairwise ${args[0]}: `));
    expect(stderr).toMatch(reason);
    expect(existsSync(path.join(dir, "m"))).toBe(false);
  });

  it("refuses a GPU device that is not available here with what to install, on one line", async () => {
    const { code, stderr } = await pairwise("train", "--data", data, "--out", "m", "--device", "cuda");
    if (code === 0) return; // a machine with a working CUDA provider trains instead
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^pairwise train: onnxruntime-node's CUDA execution provider .*CUDA 12 and cuDNN 9/);
  });
});
