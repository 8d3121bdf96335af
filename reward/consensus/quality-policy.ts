// When a labeler's quality pauses them on a project, and the reason they are shown.

/** Answers a labeler must have given before their quality can pause them. */
export const MIN_ANSWERS_TO_PAUSE = 10;

export interface PauseInput {
  quality: number;
  answers: number;
  flags: string[];
}

/** Why the labeler is paused on a project with this threshold (null: not paused, or no threshold). */
export function pauseReason(l: PauseInput, threshold: number | null): string | null {
  if (threshold === null || l.answers < MIN_ANSWERS_TO_PAUSE || l.quality >= threshold) return null;
  const why = l.flags.length ? ` (${l.flags.join(", ")})` : "";
  return `Your quality score ${l.quality.toFixed(2)} is below this project's minimum of ${threshold.toFixed(2)} after ${l.answers} answers${why}.`;
}
