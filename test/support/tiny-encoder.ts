/**
 * Writes a tiny sentence encoder directory for tests: a WordPiece tokenizer.json and a model.onnx that embeds
 * tokens (plus token-type embeddings), applies tanh(·W) and zeroes padding, giving last_hidden_state
 * [batch, tokens, dim] like an exported BERT. The weights are seeded random numbers, kept for checking.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { GraphBuilder } from "../../trainer/onnx/graph.ts";
import { Rng } from "../../trainer/rng.ts";

export const SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"];

export interface TinyEncoder {
  dir: string;
  vocab: string[];
  dim: number;
  embeddings: Float32Array;
  typeEmbeddings: Float32Array;
  projection: Float32Array;
}

export async function writeTinyEncoder(
  dir: string,
  words: string[],
  { dim = 16, seed = 1, maxLength = 64 } = {},
): Promise<TinyEncoder> {
  const vocab = [...SPECIAL, ...new Set(words)];
  const rng = new Rng(seed);
  const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => rng.normal() * scale);
  const embeddings = random(vocab.length * dim, 1);
  const typeEmbeddings = random(2 * dim, 0.1);
  const projection = random(dim * dim, 1 / Math.sqrt(dim));

  const g = new GraphBuilder("tiny_encoder");
  const ids = g.input("input_ids", ["batch", "tokens"], "int64");
  const mask = g.input("attention_mask", ["batch", "tokens"], "int64");
  const types = g.input("token_type_ids", ["batch", "tokens"], "int64");
  const tokens = g.op("Add", [
    g.op("Gather", [g.constant(embeddings, [vocab.length, dim]), ids]),
    g.op("Gather", [g.constant(typeEmbeddings, [2, dim]), types]),
  ]);
  const hidden = g.op("Tanh", [g.op("MatMul", [tokens, g.constant(projection, [dim, dim])])]);
  const keep = g.op("Unsqueeze", [g.op("Cast", [mask], { to: 1 }), g.ints([-1])]);
  g.output(g.op("Mul", [hidden, keep], {}, "last_hidden_state"), ["batch", "tokens", dim]);

  const tokenizer = {
    version: "1.0",
    truncation: { direction: "Right", max_length: maxLength, strategy: "LongestFirst", stride: 0 },
    padding: null,
    added_tokens: SPECIAL.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
      ],
      pair: [],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [2], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [3], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((w, i) => [w, i])),
    },
  };
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "model.onnx"), g.toBytes());
  await writeFile(path.join(dir, "tokenizer.json"), JSON.stringify(tokenizer));
  return { dir, vocab, dim, embeddings, typeEmbeddings, projection };
}
