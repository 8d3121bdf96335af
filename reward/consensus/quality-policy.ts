// When a labeler's quality pauses them on a project, and the reason they are shown.

import { formatQuality } from "./quality-format.ts";

/** Answers a labeler must have given before their quality can pause them. */
export const MIN_ANSWERS_TO_PAUSE = 10;

export interface PauseInput {
  quality: number;
  answers: number;
  flags: string[];
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
  if (threshold === null || l.answers < MIN_ANSWERS_TO_PAUSE || l.quality >= threshold) return null;
  const phrases = l.flags.map((flag) => FLAG_PHRASES[flag] ?? flag);
  const why = phrases.length ? `: ${phrases.join("; ")}` : "";
  return `Your quality score ${formatQuality(l.quality)} is below this project's minimum of ${formatQuality(threshold)} after ${l.answers} answers${why}.`;
}
