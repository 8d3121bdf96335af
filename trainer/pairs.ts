import { createHash } from "node:crypto";
import type { FeatureInput } from "./features/featurizer.ts";

/** One human preference: `chosen` was preferred to `rejected` for `prompt`, or neither when `tie` is set. */
export interface PreferencePair {
  prompt: string;
  chosen: string;
  rejected: string;
  /** How much the pair counts in the loss, e.g. the consensus confidence; 1 if left out. */
  weight?: number;
  tie?: boolean;
}

/** The pairs cannot be trained on or evaluated: text that is not a string, a bad weight, nothing to learn from. */
export class TrainingInputError extends Error {
  override name = "TrainingInputError";
}

/** The pair's two (prompt, response) rows, chosen first: rows 2k and 2k + 1 when pairs are scored together. */
export function pairRows(p: PreferencePair): FeatureInput[] {
  return [
    { prompt: p.prompt, response: p.chosen },
    { prompt: p.prompt, response: p.rejected },
  ];
}

export function checkPairs(pairs: readonly PreferencePair[]): void {
  if (!Array.isArray(pairs) || pairs.length === 0) throw new TrainingInputError("no preference pairs");
  let weight = 0;
  pairs.forEach((p, i) => {
    for (const field of ["prompt", "chosen", "rejected"] as const) {
      if (typeof p[field] !== "string") throw new TrainingInputError(`pair ${i + 1}: "${field}" must be a string`);
    }
    const w = p.weight ?? 1;
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0)
      throw new TrainingInputError(`pair ${i + 1}: "weight" must be a number ≥ 0, got ${String(p.weight)}`);
    if (p.tie !== undefined && typeof p.tie !== "boolean")
      throw new TrainingInputError(`pair ${i + 1}: "tie" must be true or false`);
    weight += w;
  });
  if (weight === 0) throw new TrainingInputError("every pair has weight 0");
}

/** SHA-256 of the pairs as trained on (text, weight and tie of each, in order), whatever file they came from. */
export function pairsSha256(pairs: readonly PreferencePair[]): string {
  const hash = createHash("sha256");
  for (const p of pairs)
    hash.update(JSON.stringify([p.prompt, p.chosen, p.rejected, p.weight ?? 1, p.tie ?? false]) + "\n");
  return hash.digest("hex");
}
