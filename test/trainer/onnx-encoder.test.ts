import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EncoderError, loadScorer, readModelDir, trainRewardModel } from "../../trainer/index.ts";
import { OnnxSentenceEncoder } from "../../trainer/features/onnx-encoder.ts";
import { WordPieceTokenizer } from "../../trainer/features/wordpiece.ts";
import { syntheticPreferences } from "../support/synthetic-preferences.ts";
import { writeTinyEncoder, type TinyEncoder } from "../support/tiny-encoder.ts";
import { makeTempDir } from "../support/temp-dir.ts";

let dir: string;
let tiny: TinyEncoder;
const pairs = syntheticPreferences({ pairs: 300, seed: 8 });
/** Every word and punctuation mark of the synthetic set, and a few pieces for the WordPiece cases. */
const words = [
  ...new Set(
    pairs
      .flatMap((p) => [p.prompt, p.chosen, p.rejected])
      .join(" ")
      .toLowerCase()
      .match(/\w+|[^\w\s]/g),
  ),
];

beforeAll(async () => {
  dir = makeTempDir("encoder");
  tiny = await writeTinyEncoder(
    path.join(dir, "encoder"),
    [...words, "hello", "world", ",", "!", "un", "##aff", "##able", "cafe"],
    { dim: 64 },
  );
});

const id = (token: string) => tiny.vocab.indexOf(token);

describe("WordPiece tokenizer from tokenizer.json", () => {
  it("normalises, splits punctuation, matches the longest pieces and adds [CLS] … [SEP]", () => {
    const tokenizer = WordPieceTokenizer.fromFile(path.join(tiny.dir, "tokenizer.json"));
    expect(tokenizer.encode("Hello, unaffable WORLD!").ids).toEqual(
      ["[CLS]", "hello", ",", "un", "##aff", "##able", "world", "!", "[SEP]"].map(id),
    );
    expect(tokenizer.encode("Café\tquixotic").ids).toEqual(["[CLS]", "cafe", "[UNK]", "[SEP]"].map(id));
    const truncated = WordPieceTokenizer.fromFile(path.join(tiny.dir, "tokenizer.json"), 5).encode(
      "hello world hello world hello",
    );
    expect(truncated.ids).toEqual(["[CLS]", "hello", "world", "hello", "[SEP]"].map(id));
    expect(truncated.typeIds).toEqual([0, 0, 0, 0, 0]);
  });

  it("refuses tokenizers it does not implement", () => {
    expect(() => new WordPieceTokenizer({ model: { type: "BPE", vocab: {} } })).toThrow(EncoderError);
    expect(
      () =>
        new WordPieceTokenizer({
          model: { type: "WordPiece", vocab: { "[UNK]": 0 } },
          pre_tokenizer: { type: "Metaspace" },
        }),
    ).toThrow(/unsupported tokenizer pre_tokenizer "Metaspace"/);
  });
});

describe("ONNX sentence encoder", () => {
  it("mean-pools last_hidden_state over the real tokens, whatever the padding of its batch", async () => {
    const encoder = await OnnxSentenceEncoder.load(tiny.dir, "cpu");
    try {
      expect(encoder.dimension).toBe(tiny.dim);
      expect(encoder.output).toBe("last_hidden_state");
      const text = "Hello, unaffable world!";
      const batched = await encoder.embed([text, "hello world hello world hello world hello world hello world hello"]);
      const alone = await encoder.embed([text]);
      // Expected, by hand: mean over the 9 tokens of tanh((E[token] + T[0])·W), then unit length.
      const D = tiny.dim;
      const tokens = ["[CLS]", "hello", ",", "un", "##aff", "##able", "world", "!", "[SEP]"].map(id);
      const mean = new Float64Array(D);
      for (const t of tokens) {
        for (let k = 0; k < D; k++) {
          let z = 0;
          for (let j = 0; j < D; j++)
            z += (tiny.embeddings[t * D + j] + tiny.typeEmbeddings[j]) * tiny.projection[j * D + k];
          mean[k] += Math.tanh(z) / tokens.length;
        }
      }
      const norm = Math.hypot(...mean);
      for (let k = 0; k < D; k++) {
        expect(batched[k]).toBeCloseTo(mean[k] / norm, 5);
        expect(alone[k]).toBeCloseTo(mean[k] / norm, 5);
      }
      expect(Math.hypot(...batched.subarray(D, 2 * D))).toBeCloseTo(1, 5);
    } finally {
      await encoder.release();
    }
  });

  it("gives an empty text a zero embedding when the tokenizer adds no special tokens", async () => {
    const bare = await writeTinyEncoder(path.join(dir, "bare-encoder"), words, { dim: 8 });
    const file = path.join(bare.dir, "tokenizer.json");
    const { post_processor: _, ...json } = JSON.parse(await readFile(file, "utf8"));
    await writeFile(file, JSON.stringify(json));
    const encoder = await OnnxSentenceEncoder.load(bare.dir, "cpu");
    try {
      const embeddings = await encoder.embed(["", "hello"]);
      expect([...embeddings.subarray(0, 8)]).toEqual(new Array(8).fill(0));
      expect(Math.hypot(...embeddings.subarray(8))).toBeCloseTo(1, 5);
    } finally {
      await encoder.release();
    }
  });

  it("trains a reward model on its embeddings, records it in the model, and refuses a changed encoder", async () => {
    const out = path.join(dir, "model");
    const metrics = await trainRewardModel({ pairs, outDir: out, seed: 1, encoder: { kind: "onnx", dir: tiny.dir } });
    expect(metrics.heldOut!.accuracy).toBeGreaterThanOrEqual(0.9);
    const { metadata } = await readModelDir(out);
    expect(metadata.features).toMatchObject({
      kind: "onnx",
      dir: path.resolve(tiny.dir),
      dimension: tiny.dim,
      output: "last_hidden_state",
      maxLength: 64,
    });
    expect(metadata.model.inputs).toBe(2 * tiny.dim + 1 + metadata.features.structure.length);

    const scorer = await loadScorer(out);
    try {
      const [marked, plain] = await scorer.score("Question 3: tell me about trains.", [
        "we should look at the zebra today",
        "we should look at the details today",
      ]);
      expect(marked).toBeGreaterThan(plain);
    } finally {
      await scorer.close();
    }

    await writeTinyEncoder(tiny.dir, tiny.vocab.slice(4), { dim: tiny.dim, seed: 2 });
    await expect(loadScorer(out)).rejects.toThrow(/the sentence encoder changed since the model was trained/);
  });

  it("names what is missing from an encoder directory", async () => {
    await expect(OnnxSentenceEncoder.load(path.join(dir, "nowhere"), "cpu")).rejects.toThrow(
      /no model\.onnx \(a sentence encoder directory holds model\.onnx and tokenizer\.json\)/,
    );
  });
});
