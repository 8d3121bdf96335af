/**
 * Synthetic preference sets with a known rule, for tests and the benchmark: a response that contains the
 * marker word is always preferred. Lengths are drawn independently of the preference, so "the longer
 * response wins" is right about half the time and only the rule explains the data.
 */
import type { PreferencePair } from "../../trainer/pairs.ts";
import { Rng } from "../../trainer/rng.ts";

const TOPICS = [
  "rivers",
  "taxes",
  "guitars",
  "volcanoes",
  "bread",
  "chess",
  "rockets",
  "gardens",
  "trains",
  "poems",
  "whales",
  "clocks",
];
const WORDS = [
  "the",
  "answer",
  "is",
  "that",
  "we",
  "should",
  "consider",
  "many",
  "things",
  "about",
  "this",
  "topic",
  "carefully",
  "today",
  "because",
  "often",
  "people",
  "find",
  "it",
  "useful",
  "to",
  "start",
  "with",
  "simple",
  "steps",
  "and",
  "then",
  "look",
  "at",
  "details",
  "later",
  "on",
  "when",
  "there",
  "more",
  "time",
  "for",
  "questions",
];

export interface SyntheticOptions {
  pairs: number;
  seed: number;
  marker?: string;
  /** Share of pairs marked as ties (both responses without the marker). */
  ties?: number;
}

export function syntheticPreferences({ pairs, seed, marker = "zebra", ties = 0 }: SyntheticOptions): PreferencePair[] {
  const rng = new Rng(seed);
  const words = (n: number) => Array.from({ length: n }, () => WORDS[rng.int(WORDS.length)]).join(" ");
  const response = (withMarker: boolean) => {
    const before = 4 + rng.int(30);
    return withMarker ? `${words(before)} ${marker} ${words(1 + rng.int(4))}` : words(before + 2);
  };
  return Array.from({ length: pairs }, (_, i) => {
    const prompt = `Question ${i}: tell me about ${TOPICS[i % TOPICS.length]}.`;
    if (rng.next() < ties) return { prompt, chosen: response(false), rejected: response(false), tie: true };
    return { prompt, chosen: response(true), rejected: response(false) };
  });
}
