/**
 * The built-in encoder, which needs no downloaded weights: hashed word n-grams and character n-grams of the
 * response, hashed words of the prompt (so the hidden layer can learn what suits which kind of prompt), then
 * the dense structure and overlap features.
 */
import { combine, hashString, HashedBag } from "./hashing.ts";
import { FeatureMatrixBuilder, type FeatureMatrix } from "./matrix.ts";
import { promptInfo, structureFeatures, STRUCTURE_FEATURES, type PromptInfo } from "./structure.ts";
import { normalizedForCharacters, tokens } from "./text.ts";

export interface HashedFeatureConfig {
  kind: "hashed";
  /** Columns for the response's word n-grams (1 up to wordNgrams words). */
  wordBuckets: number;
  wordNgrams: number;
  /** Columns for the response's character n-grams (charNgrams[0] up to charNgrams[1] characters). */
  charBuckets: number;
  charNgrams: [number, number];
  /** Columns for the prompt's words; 0 leaves the prompt out except through the overlap features. */
  promptBuckets: number;
  structure: string[];
}

export const DEFAULT_HASHED: HashedFeatureConfig = {
  kind: "hashed",
  wordBuckets: 4096,
  wordNgrams: 2,
  charBuckets: 4096,
  charNgrams: [3, 5],
  promptBuckets: 512,
  structure: [...STRUCTURE_FEATURES],
};

const WORD_SEED = 0x1b873593;
const CHAR_SEED = 0xcc9e2d51;
const PROMPT_SEED = 0xe6546b64;

function hashedDimension(c: HashedFeatureConfig): number {
  return c.wordBuckets + c.charBuckets + c.promptBuckets + c.structure.length;
}

function addWordNgrams(bag: HashedBag, words: string[], maxN: number, seed: number): void {
  const hashes = words.map((w) => hashString(w, seed));
  for (let i = 0; i < hashes.length; i++) {
    let h = hashes[i];
    bag.add(h);
    for (let n = 2; n <= maxN && i + n <= hashes.length; n++) {
      h = combine(h, hashes[i + n - 1]);
      bag.add(h);
    }
  }
}

function addCharNgrams(bag: HashedBag, text: string, [minN, maxN]: [number, number]): void {
  for (let i = 0; i + minN <= text.length; i++) {
    let h = CHAR_SEED;
    for (let n = 1; n <= maxN && i + n <= text.length; n++) {
      h = Math.imul(h ^ text.charCodeAt(i + n - 1), 0x01000193);
      if (n >= minN) bag.add(combine(h, n));
    }
  }
}

export class HashedEncoder {
  readonly dim: number;
  readonly standardizeFrom: number;
  private readonly words: HashedBag | null;
  private readonly chars: HashedBag | null;
  private readonly prompt: HashedBag | null;

  constructor(readonly config: HashedFeatureConfig) {
    this.dim = hashedDimension(config);
    this.standardizeFrom = this.dim - config.structure.length;
    this.words = config.wordBuckets > 0 ? new HashedBag(config.wordBuckets) : null;
    this.chars = config.charBuckets > 0 ? new HashedBag(config.charBuckets) : null;
    this.prompt = config.promptBuckets > 0 ? new HashedBag(config.promptBuckets) : null;
  }

  featurize(rows: ReadonlyArray<{ prompt: string; response: string }>): FeatureMatrix {
    const c = this.config;
    const out = new FeatureMatrixBuilder(this.dim);
    const prompts = new Map<string, { info: PromptInfo; columns: number[]; values: number[] }>();
    const dense = new Float32Array(c.structure.length);
    const push = (column: number, value: number) => out.push(column, value);
    for (const { prompt, response } of rows) {
      let p = prompts.get(prompt);
      if (!p) {
        const columns: number[] = [];
        const values: number[] = [];
        if (this.prompt) {
          addWordNgrams(this.prompt, tokens(prompt), 1, PROMPT_SEED);
          this.prompt.flush(c.wordBuckets + c.charBuckets, (column, value) => {
            columns.push(column);
            values.push(value);
          });
        }
        p = { info: promptInfo(prompt), columns, values };
        prompts.set(prompt, p);
      }
      if (this.words) {
        addWordNgrams(this.words, tokens(response), c.wordNgrams, WORD_SEED);
        this.words.flush(0, push);
      }
      if (this.chars) {
        addCharNgrams(this.chars, normalizedForCharacters(response), c.charNgrams);
        this.chars.flush(c.wordBuckets, push);
      }
      for (let k = 0; k < p.columns.length; k++) out.push(p.columns[k], p.values[k]);
      structureFeatures(p.info, response, dense, 0);
      out.pushDense(dense, this.standardizeFrom);
      out.endRow();
    }
    return out.finish();
  }
}
