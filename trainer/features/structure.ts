/**
 * Dense features of a response's form and of how it relates to the prompt. Counts enter as log(1 + n) so
 * that a few very long responses do not dominate; the trainer standardises these columns.
 */
import { isWord, tokens } from "./text.ts";

/** What the structure features need from a prompt, computed once per distinct prompt. */
export interface PromptInfo {
  chars: number;
  words: Set<string>;
  numbers: Set<string>;
}

export const STRUCTURE_FEATURES = [
  "log_chars",
  "log_words",
  "log_lines",
  "log_length_ratio_to_prompt",
  "log_list_items",
  "log_code_blocks",
  "log_inline_code",
  "log_headings",
  "log_bold",
  "log_urls",
  "log_numbers",
  "log_questions",
  "log_exclamations",
  "log_sentences",
  "words_per_sentence",
  "mean_word_length",
  "uppercase_share",
  "non_ascii_share",
  "distinct_word_share",
  "repeated_trigram_share",
  "ends_with_terminal_punctuation",
  "refusal_or_apology",
  "prompt_word_coverage",
  "response_words_from_prompt",
  "word_jaccard",
  "prompt_number_coverage",
] as const;

const LIST_ITEM = /^\s*(?:[-*+•]|\d+[.)])\s+/gm;
const CODE_FENCE = /^\s*(```|~~~)/gm;
const INLINE_CODE = /`[^`\n]+`/g;
const HEADING = /^\s{0,3}#{1,6}\s+\S/gm;
const BOLD = /\*\*[^*\n]+\*\*|__[^_\n]+__/g;
const URL = /\bhttps?:\/\/\S+/g;
const NUMBER = /\d+(?:[.,]\d+)*/g;
const SENTENCE_END = /[.!?。]+(?:\s|$)/g;
const UPPER = /\p{Lu}/gu;
const LETTER = /\p{L}/gu;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL; per UTF-16 unit, as trained
const NON_ASCII = /[^\x00-\x7f]/g;
const TERMINAL = /[.!?。)"'`*\]]\s*$/;
const REFUSAL =
  /\b(?:i'?m sorry|i am sorry|i apologi[sz]e|as an ai|as a language model|i can(?:not|'t) (?:help|assist|provide)|i(?:'m| am) (?:not able|unable) to)\b/i;

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;
const log = (n: number) => Math.log1p(n);

export function promptInfo(prompt: string): PromptInfo {
  const words = tokens(prompt).filter(isWord);
  return { chars: prompt.length, words: new Set(words), numbers: new Set(prompt.match(NUMBER) ?? []) };
}

/** Writes the STRUCTURE_FEATURES of `response` to out[offset…]. */
export function structureFeatures(prompt: PromptInfo, response: string, out: Float32Array, offset: number): void {
  const words = tokens(response).filter(isWord);
  const distinct = new Set(words);
  const sentences = Math.max(1, count(response, SENTENCE_END));
  const letters = count(response, LETTER);
  const trigrams = new Set<string>();
  let repeated = 0;
  for (let i = 2; i < words.length; i++) {
    const key = `${words[i - 2]} ${words[i - 1]} ${words[i]}`;
    if (trigrams.has(key)) repeated++;
    else trigrams.add(key);
  }
  let shared = 0;
  for (const w of distinct) if (prompt.words.has(w)) shared++;
  let numbersCovered = 0;
  for (const n of prompt.numbers) if (response.includes(n)) numbersCovered++;

  const values = [
    log(response.length),
    log(words.length),
    log(response.split("\n").length),
    log(response.length) - log(prompt.chars),
    log(count(response, LIST_ITEM)),
    log(Math.floor(count(response, CODE_FENCE) / 2)),
    log(count(response, INLINE_CODE)),
    log(count(response, HEADING)),
    log(count(response, BOLD)),
    log(count(response, URL)),
    log(count(response, NUMBER)),
    log(count(response, /\?/g)),
    log(count(response, /!/g)),
    log(sentences),
    words.length / sentences,
    words.length ? words.reduce((s, w) => s + w.length, 0) / words.length : 0,
    letters ? count(response, UPPER) / letters : 0,
    response.length ? count(response, NON_ASCII) / response.length : 0,
    words.length ? distinct.size / words.length : 0,
    words.length > 2 ? repeated / (words.length - 2) : 0,
    TERMINAL.test(response) ? 1 : 0,
    REFUSAL.test(response) ? 1 : 0,
    prompt.words.size ? shared / prompt.words.size : 0,
    distinct.size ? shared / distinct.size : 0,
    shared / Math.max(1, distinct.size + prompt.words.size - shared),
    prompt.numbers.size ? numbersCovered / prompt.numbers.size : 0,
  ];
  for (let i = 0; i < values.length; i++) out[offset + i] = values[i];
}
