/**
 * A local ONNX sentence encoder (for example an exported MiniLM): `model.onnx` taking input_ids,
 * attention_mask and optionally token_type_ids, and `tokenizer.json`. A `sentence_embedding` output (or any
 * [batch, dim] output) is used as it is; a `last_hidden_state` [batch, tokens, dim] is mean-pooled over the
 * real tokens. Embeddings are scaled to unit length.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { createFileSession, type Device } from "../device.ts";
import { EncoderError } from "./encoder-error.ts";
import { WordPieceTokenizer } from "./wordpiece.ts";

const BATCH = 32;

async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function pickOutput(session: ort.InferenceSession): string {
  for (const preferred of ["sentence_embedding", "last_hidden_state"])
    if (session.outputNames.includes(preferred)) return preferred;
  return session.outputNames[0];
}

type Batch = { ids: number[]; typeIds: number[] }[];

/** Pooled embeddings of one padded batch, row-major [batch, dim], before scaling to unit length. */
async function pooledBatch(
  session: ort.InferenceSession,
  output: string,
  padId: number,
  batch: Batch,
): Promise<{ pooled: Float32Array; dim: number }> {
  const width = Math.max(...batch.map((e) => e.ids.length));
  const shape = [batch.length, width];
  const ids = new BigInt64Array(batch.length * width).fill(BigInt(padId));
  const mask = new BigInt64Array(batch.length * width);
  const types = new BigInt64Array(batch.length * width);
  batch.forEach((e, b) => {
    for (let t = 0; t < e.ids.length; t++) {
      ids[b * width + t] = BigInt(e.ids[t]);
      mask[b * width + t] = 1n;
      types[b * width + t] = BigInt(e.typeIds[t]);
    }
  });
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor("int64", ids, shape),
    attention_mask: new ort.Tensor("int64", mask, shape),
  };
  if (session.inputNames.includes("token_type_ids")) feeds.token_type_ids = new ort.Tensor("int64", types, shape);
  const result = (await session.run(feeds, [output]))[output];
  const data = result.data as Float32Array;
  if (result.dims.length === 2) return { pooled: data, dim: result.dims[1] };
  if (result.dims.length !== 3)
    throw new EncoderError(
      `output "${output}" has shape [${result.dims}], expected [batch, dim] or [batch, tokens, dim]`,
    );
  const dim = result.dims[2];
  const pooled = new Float32Array(batch.length * dim);
  batch.forEach((e, b) => {
    for (let t = 0; t < e.ids.length; t++) {
      const base = (b * width + t) * dim;
      for (let k = 0; k < dim; k++) pooled[b * dim + k] += data[base + k];
    }
    for (let k = 0; k < dim; k++) pooled[b * dim + k] /= e.ids.length;
  });
  return { pooled, dim };
}

export class OnnxSentenceEncoder {
  private constructor(
    readonly dir: string,
    readonly modelSha256: string,
    readonly tokenizer: WordPieceTokenizer,
    private readonly session: ort.InferenceSession,
    readonly output: string,
    readonly dimension: number,
  ) {}

  static async load(dir: string, device: Device, maxLength?: number): Promise<OnnxSentenceEncoder> {
    const absolute = path.resolve(dir);
    const modelFile = path.join(absolute, "model.onnx");
    const tokenizerFile = path.join(absolute, "tokenizer.json");
    for (const file of [modelFile, tokenizerFile])
      if (!existsSync(file))
        throw new EncoderError(
          `${dir}: no ${path.basename(file)} (a sentence encoder directory holds model.onnx and tokenizer.json)`,
        );
    const tokenizer = WordPieceTokenizer.fromFile(tokenizerFile, maxLength);
    const modelSha256 = await fileSha256(modelFile);
    const session = await createFileSession(modelFile, device, (reason) => new EncoderError(reason));
    try {
      for (const required of ["input_ids", "attention_mask"])
        if (!session.inputNames.includes(required))
          throw new EncoderError(
            `${modelFile}: the encoder has no "${required}" input (inputs: ${session.inputNames.join(", ")})`,
          );
      const output = pickOutput(session);
      const { dim } = await pooledBatch(session, output, tokenizer.padId, [tokenizer.encode("dimension probe")]);
      return new OnnxSentenceEncoder(absolute, modelSha256, tokenizer, session, output, dim);
    } catch (error) {
      // A refused encoder must not keep its session: a server retries loading on every request.
      await session.release();
      throw error;
    }
  }

  /** Unit-length embeddings of `texts`, row-major [texts.length, dimension]. */
  async embed(texts: string[]): Promise<Float32Array> {
    const encodings = texts.map((t) => this.tokenizer.encode(t));
    // Batches of similar length waste little on padding. An empty text under a tokenizer without special tokens
    // has no tokens to pool: it keeps a zero embedding.
    const order = encodings
      .map((_, i) => i)
      .filter((i) => encodings[i].ids.length > 0)
      .sort((a, b) => encodings[a].ids.length - encodings[b].ids.length);
    const out = new Float32Array(texts.length * this.dimension);
    for (let start = 0; start < order.length; start += BATCH) {
      const rows = order.slice(start, start + BATCH);
      const { pooled } = await pooledBatch(
        this.session,
        this.output,
        this.tokenizer.padId,
        rows.map((i) => encodings[i]),
      );
      rows.forEach((row, b) => {
        let norm = 0;
        for (let k = 0; k < this.dimension; k++) norm += pooled[b * this.dimension + k] ** 2;
        const inverse = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let k = 0; k < this.dimension; k++)
          out[row * this.dimension + k] = pooled[b * this.dimension + k] * inverse;
      });
    }
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
