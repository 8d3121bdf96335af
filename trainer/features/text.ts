/** Text splitting shared by the feature encoders. */

const TOKEN = /[\p{L}\p{N}]+(?:['’]\p{L}+)?|[^\s\p{L}\p{N}]/gu;
const WORD = /^[\p{L}\p{N}]/u;

/** Lower-cased words (letters and digits, with an apostrophe suffix) and single punctuation marks, in order. */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

export const isWord = (token: string) => WORD.test(token);

/** Lower case with every run of white space as one space, padded with a space at each end. */
export function normalizedForCharacters(text: string): string {
  return ` ${text.toLowerCase().replace(/\s+/g, " ").trim()} `;
}
