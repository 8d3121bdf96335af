/**
 * Reads a Hugging Face `tokenizer.json` for a BERT-style WordPiece model (MiniLM, BERT, E5, BGE…) and
 * tokenises text the way the `tokenizers` library does for these models: BERT normalisation, splitting on
 * white space and punctuation, greedy longest-match WordPiece, then the [CLS] … [SEP] template.
 */
import { readFileSync } from "node:fs";
import { EncoderError } from "./encoder-error.ts";

interface NormalizerSpec {
  type: string;
  clean_text?: boolean;
  handle_chinese_chars?: boolean;
  strip_accents?: boolean | null;
  lowercase?: boolean;
  normalizers?: NormalizerSpec[];
}

interface TemplatePiece {
  SpecialToken?: { id: string; type_id: number };
  Sequence?: { id: string; type_id: number };
}

interface TokenizerJson {
  truncation?: { max_length?: number } | null;
  padding?: { pad_id?: number } | null;
  normalizer?: NormalizerSpec | null;
  pre_tokenizer?: { type: string; pretokenizers?: { type: string }[] } | null;
  post_processor?: {
    type: string;
    single?: TemplatePiece[];
    special_tokens?: Record<string, { ids: number[] }>;
    cls?: [string, number];
    sep?: [string, number];
  } | null;
  model?: {
    type?: string;
    vocab?: Record<string, number>;
    unk_token?: string;
    continuing_subword_prefix?: string;
    max_input_chars_per_word?: number;
  };
}

export interface Encoding {
  ids: number[];
  typeIds: number[];
}

const isControl = (c: string) => /\p{Cc}|\p{Cf}/u.test(c) && c !== "\t" && c !== "\n" && c !== "\r";
const isWhitespace = (c: string) => /\s/u.test(c);
const isPunctuation = (c: string) => {
  const code = c.codePointAt(0)!;
  return (
    (code >= 33 && code <= 47) ||
    (code >= 58 && code <= 64) ||
    (code >= 91 && code <= 96) ||
    (code >= 123 && code <= 126) ||
    /\p{P}/u.test(c)
  );
};
const isChinese = (code: number) =>
  (code >= 0x4e00 && code <= 0x9fff) ||
  (code >= 0x3400 && code <= 0x4dbf) ||
  (code >= 0x20000 && code <= 0x2a6df) ||
  (code >= 0x2a700 && code <= 0x2ebef) ||
  (code >= 0xf900 && code <= 0xfaff) ||
  (code >= 0x2f800 && code <= 0x2fa1f);
const stripAccents = (text: string) => text.normalize("NFD").replace(/\p{Mn}/gu, "");

function normalizer(spec: NormalizerSpec | null | undefined): (text: string) => string {
  if (!spec) return (text) => text;
  switch (spec.type) {
    case "BertNormalizer":
      return (text) => {
        let out = "";
        for (const c of text) {
          if (spec.clean_text !== false && (c === "\u0000" || c === "\ufffd" || isControl(c))) continue;
          if (spec.clean_text !== false && isWhitespace(c)) out += " ";
          else if (spec.handle_chinese_chars !== false && isChinese(c.codePointAt(0)!)) out += ` ${c} `;
          else out += c;
        }
        const lowercase = spec.lowercase !== false;
        if (lowercase) out = out.toLowerCase();
        return (spec.strip_accents ?? lowercase) ? stripAccents(out) : out;
      };
    case "Lowercase":
      return (text) => text.toLowerCase();
    case "StripAccents":
      return (text) => text.replace(/\p{Mn}/gu, "");
    case "NFD":
    case "NFC":
    case "NFKD":
    case "NFKC":
      return (text) => text.normalize(spec.type as "NFD");
    case "Sequence": {
      const steps = (spec.normalizers ?? []).map(normalizer);
      return (text) => steps.reduce((t, step) => step(t), text);
    }
    default:
      throw new EncoderError(
        `unsupported tokenizer normalizer "${spec.type}" (supported: BertNormalizer, Lowercase, StripAccents, NFD/NFC/NFKD/NFKC, Sequence)`,
      );
  }
}

/** BertPreTokenizer: split on white space, and make every punctuation character a word of its own. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = "";
  for (const c of text) {
    if (isWhitespace(c)) {
      if (current) words.push(current);
      current = "";
    } else if (isPunctuation(c)) {
      if (current) words.push(current);
      words.push(c);
      current = "";
    } else current += c;
  }
  if (current) words.push(current);
  return words;
}

function checkPreTokenizer(spec: TokenizerJson["pre_tokenizer"]): void {
  const types = spec ? (spec.type === "Sequence" ? (spec.pretokenizers ?? []).map((p) => p.type) : [spec.type]) : [];
  const unsupported = types.filter((t) => t !== "BertPreTokenizer" && t !== "Whitespace" && t !== "WhitespaceSplit");
  if (unsupported.length)
    throw new EncoderError(`unsupported tokenizer pre_tokenizer "${unsupported[0]}" (supported: BertPreTokenizer)`);
}

export class WordPieceTokenizer {
  readonly maxLength: number;
  readonly padId: number;
  private readonly vocab: Map<string, number>;
  private readonly unkId: number;
  private readonly prefix: string;
  private readonly maxWordChars: number;
  private readonly normalize: (text: string) => string;
  /** Template for one sequence: special token ids, with null where the text goes. */
  private readonly template: { id: number | null; typeId: number }[];

  constructor(json: TokenizerJson, maxLength?: number) {
    const model = json.model;
    if (!model || model.type !== "WordPiece" || !model.vocab)
      throw new EncoderError(`tokenizer.json: only WordPiece models are supported, found ${model?.type ?? "no model"}`);
    this.vocab = new Map(Object.entries(model.vocab));
    const unk = this.vocab.get(model.unk_token ?? "[UNK]");
    if (unk === undefined)
      throw new EncoderError(
        `tokenizer.json: the unknown token "${model.unk_token ?? "[UNK]"}" is not in the vocabulary`,
      );
    this.unkId = unk;
    this.prefix = model.continuing_subword_prefix ?? "##";
    this.maxWordChars = model.max_input_chars_per_word ?? 100;
    this.normalize = normalizer(json.normalizer);
    checkPreTokenizer(json.pre_tokenizer);
    this.padId = json.padding?.pad_id ?? this.vocab.get("[PAD]") ?? 0;
    this.maxLength = maxLength ?? json.truncation?.max_length ?? 512;
    this.template = this.readTemplate(json.post_processor);
  }

  static fromFile(file: string, maxLength?: number): WordPieceTokenizer {
    let json: TokenizerJson;
    try {
      json = JSON.parse(readFileSync(file, "utf8")) as TokenizerJson;
    } catch (error) {
      throw new EncoderError(`${file}: cannot read the tokenizer (${(error as Error).message})`);
    }
    return new WordPieceTokenizer(json, maxLength);
  }

  private special(token: string): number {
    const id = this.vocab.get(token);
    if (id === undefined)
      throw new EncoderError(`tokenizer.json: the special token "${token}" is not in the vocabulary`);
    return id;
  }

  private readTemplate(spec: TokenizerJson["post_processor"]): { id: number | null; typeId: number }[] {
    if (!spec) return [{ id: null, typeId: 0 }];
    if (spec.type === "BertProcessing" && spec.cls && spec.sep)
      return [
        { id: spec.cls[1], typeId: 0 },
        { id: null, typeId: 0 },
        { id: spec.sep[1], typeId: 0 },
      ];
    if (spec.type === "TemplateProcessing" && spec.single)
      return spec.single.map((piece) => {
        if (piece.Sequence) return { id: null, typeId: piece.Sequence.type_id };
        const name = piece.SpecialToken!.id;
        return { id: spec.special_tokens?.[name]?.ids[0] ?? this.special(name), typeId: piece.SpecialToken!.type_id };
      });
    throw new EncoderError(
      `unsupported tokenizer post_processor "${spec.type}" (supported: TemplateProcessing, BertProcessing)`,
    );
  }

  private wordPiece(word: string, out: number[]): void {
    const chars = [...word];
    if (chars.length > this.maxWordChars) {
      out.push(this.unkId);
      return;
    }
    const pieces: number[] = [];
    for (let start = 0; start < chars.length;) {
      let end = chars.length;
      let found: number | undefined;
      for (; end > start; end--) {
        const piece = (start > 0 ? this.prefix : "") + chars.slice(start, end).join("");
        found = this.vocab.get(piece);
        if (found !== undefined) break;
      }
      if (found === undefined) {
        out.push(this.unkId);
        return;
      }
      pieces.push(found);
      start = end;
    }
    out.push(...pieces);
  }

  /** Token ids and type ids of one text, truncated so that the whole sequence fits maxLength. */
  encode(text: string): Encoding {
    const room = this.maxLength - this.template.filter((t) => t.id !== null).length;
    const tokens: number[] = [];
    for (const word of splitWords(this.normalize(text))) {
      this.wordPiece(word, tokens);
      if (tokens.length >= room) break;
    }
    tokens.length = Math.min(tokens.length, Math.max(0, room));
    const ids: number[] = [];
    const typeIds: number[] = [];
    for (const piece of this.template) {
      const add = piece.id === null ? tokens : [piece.id];
      for (const id of add) {
        ids.push(id);
        typeIds.push(piece.typeId);
      }
    }
    return { ids, typeIds };
  }
}
