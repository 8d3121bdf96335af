// When a labeler's quality pauses them on a project, and the reason they are shown.
//
// The rule: a labeler is paused only when their quality is *confidently* below the project's minimum, not when a
// few unlucky answers put the score there. The evidence is each answer set against what the *other* labelers
// answered on the same item (gold where the requester gave it), counted by how decided they were (pauseEvidence):
// the labeler's own vote never counts as agreeing with itself, which matters at k = 3, where a random clicker's vote
// decides every item the two others split on. The share of matches has a Beta posterior (a uniform prior plus the
// weighted matches and misses); its upper bound at PAUSE_CONFIDENCE is mapped to the quality scale with the
// labeler's chance agreement, (bound − chance) / (1 − chance), the score that answers like these settle at. Only
// if that best plausible score is below the minimum, and the shown score is too, is the labeler paused. The
// few-answers hold-down of the shown score is a pay rule, not evidence, so it is left out of the bound. On pairwise
// projects a second bound comes from the sides of the screen picked (PauseInput.sides); the lower one counts.

import betaQuantile from "@stdlib/stats-base-dists-beta-quantile";
import { formatQuality } from "./quality-format.ts";

/**
 * Answers a labeler must have given before their quality can pause them, and the weight of evidence against the
 * other labelers' answers they must have too (no bound is trusted on fewer).
 */
export const MIN_ANSWERS_TO_PAUSE = 10;

/**
 * How sure the pause must be that the labeler's quality is under the minimum: the one-sided level of the upper
 * bound. bench/pausing.ts measures what it buys and costs: 1 in 1,000 90%-right labelers paused instead of 1 in 13,
 * and random clickers paused after about 20 answers instead of 10 (README.md, Benchmarks).
 */
export const PAUSE_CONFIDENCE = 0.95;

export interface PauseInput {
  quality: number;
  answers: number;
  /** Share of the labeler's answers that match the consensus. */
  agreement: number;
  /** Share that answering with the same mix of answers, without looking, would match. */
  chance: number;
  flags: string[];
  /** Agreement with the other labelers (pauseEvidence); without it, agreement and chance over all answers. */
  evidence?: PauseEvidence;
  /**
   * Decided answers by the side of the screen picked, where the order of the responses is random (pairwise). Someone
   * who picks one side a share L of the time can follow the items on at most 2 × min(L, 1 − L) of their answers,
   * which bounds their quality whatever the consensus: the quick, sure case of a constant clicker.
   */
  sides?: { left: number; right: number };
}

/** A labeler's answers against the other answers on the same items (see pauseEvidence). */
export interface PauseEvidence {
  /** Weighted share of answers that match the other labelers' answer. */
  agreement: number;
  /** What the same mix of answers would match without looking. */
  chance: number;
  /** Total weight: answers counted by how decided the other labelers were (a unanimous item counts 1). */
  weight: number;
}

export interface EvidenceAnswer {
  item: string;
  labeler: string;
  value: string;
  /** The requester's answer for the item, if it is gold. */
  gold?: string | null;
}

/**
 * Each labeler's answers set against the other answers on the same item. On a gold item the gold answer is the
 * reference, with weight 1; otherwise the others' most frequent answer, with weight its share minus the runner-up's
 * (unanimous: 1, split evenly: 0, nobody else: 0). Chance is the labeler's weighted answer mix times the
 * references' mix.
 */
export function pauseEvidence(answers: readonly EvidenceAnswer[]): Map<string, PauseEvidence> {
  const byItem = new Map<string, EvidenceAnswer[]>();
  for (const a of answers) {
    const list = byItem.get(a.item);
    if (list) list.push(a);
    else byItem.set(a.item, [a]);
  }
  const sums = new Map<string, { match: number; weight: number; own: Map<string, number>; ref: Map<string, number> }>();
  for (const list of byItem.values()) {
    for (const a of list) {
      let reference: string | undefined;
      let weight = 0;
      if (a.gold != null) {
        reference = a.gold;
        weight = 1;
      } else {
        const counts = new Map<string, number>();
        for (const b of list)
          if (b !== a && b.labeler !== a.labeler) counts.set(b.value, (counts.get(b.value) ?? 0) + 1);
        const others = [...counts.values()].reduce((x, y) => x + y, 0);
        const ranked = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
        if (others > 0) {
          reference = ranked[0][0];
          weight = (ranked[0][1] - (ranked[1]?.[1] ?? 0)) / others;
        }
      }
      if (reference === undefined || weight === 0) continue;
      const s = sums.get(a.labeler) ?? { match: 0, weight: 0, own: new Map(), ref: new Map() };
      s.weight += weight;
      if (a.value === reference) s.match += weight;
      s.own.set(a.value, (s.own.get(a.value) ?? 0) + weight);
      s.ref.set(reference, (s.ref.get(reference) ?? 0) + weight);
      sums.set(a.labeler, s);
    }
  }
  return new Map(
    [...sums].map(([labeler, s]) => {
      let chance = 0;
      for (const [value, w] of s.own) chance += (w / s.weight) * ((s.ref.get(value) ?? 0) / s.weight);
      return [labeler, { agreement: s.match / s.weight, chance, weight: s.weight }];
    }),
  );
}

/**
 * The highest quality the labeler's answers make plausible at `confidence`: the upper bound of their agreement with
 * the consensus, mapped to the quality scale with their chance agreement (0 to 1).
 */
export function qualityUpperBound(
  l: Pick<PauseInput, "answers" | "agreement" | "chance" | "evidence" | "sides">,
  confidence = PAUSE_CONFIDENCE,
): number {
  return Math.min(agreementBound(l, confidence), sideBound(l, confidence));
}

/** The bound from agreement (see the top of this file); 1 on evidence weighing less than MIN_ANSWERS_TO_PAUSE. */
function agreementBound(l: Pick<PauseInput, "answers" | "agreement" | "chance" | "evidence">, confidence: number) {
  const e = l.evidence ?? { agreement: l.agreement, chance: l.chance, weight: l.answers };
  // The minimum holds for the evidence too: 10 answers of which only 6 had decided answers from others are 6.
  if (l.evidence && e.weight < MIN_ANSWERS_TO_PAUSE) return 1;
  const n = Math.max(0, e.weight);
  const agreement = Math.min(1, Math.max(0, e.agreement));
  const bound = betaQuantile(confidence, 1 + agreement * n, 1 + (1 - agreement) * n);
  if (1 - e.chance <= 1e-9) return bound >= 1 ? 1 : 0;
  return Math.min(1, Math.max(0, (bound - e.chance) / (1 - e.chance)));
}

/** The bound from the sides picked (PauseInput.sides): twice the upper bound of the rarer side's share. */
function sideBound(l: Pick<PauseInput, "sides">, confidence: number) {
  if (!l.sides) return 1;
  const n = l.sides.left + l.sides.right;
  if (n < MIN_ANSWERS_TO_PAUSE) return 1;
  const rarer = Math.min(l.sides.left, l.sides.right);
  return Math.min(1, 2 * betaQuantile(confidence, 1 + rarer, 1 + n - rarer));
}

/** Whether the labeler's quality is confidently below the threshold (see the top of this file). */
export function confidentlyBelow(l: PauseInput, threshold: number | null): boolean {
  if (threshold === null || l.answers < MIN_ANSWERS_TO_PAUSE || l.quality >= threshold) return false;
  return qualityUpperBound(l) < threshold;
}

/** Each abuse-detector flag as the labeler reads it in the reason. */
const FLAG_PHRASES: Record<string, string> = {
  adversarial: "your answers go against the consensus more often than chance",
  constant: "you give the same answer almost every time",
  random: "your answers match the consensus no more often than random clicks",
  "position-bias": "you pick one side of the screen far more often than the other",
};

/** Why the labeler is paused on a project with this threshold (null: not paused, or no threshold). */
export function pauseReason(l: PauseInput, threshold: number | null): string | null {
  if (threshold === null || !confidentlyBelow(l, threshold)) return null;
  const phrases = l.flags.map((flag) => FLAG_PHRASES[flag] ?? flag).join("; ");
  const why = phrases ? ` ${phrases[0].toUpperCase()}${phrases.slice(1)}.` : "";
  const minimum = formatQuality(threshold);
  const best = formatQuality(qualityUpperBound(l));
  // A bound of 0.297 under a minimum of 0.30 would read "at most 0.30": say "below it" instead.
  const atBest = best === minimum ? "a score below it" : `a score of at most ${best}`;
  return (
    `Your quality score ${formatQuality(l.quality)} is below this project's minimum of ${minimum} after ` +
    `${l.answers} answers, and confidently so: even allowing for bad luck on some answers, yours point to ` +
    `${atBest}.${why}`
  );
}
