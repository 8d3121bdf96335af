// Plain-words explanations of a labeler's quality score, shared by the labeler's pages.

import { MIN_ANSWERS_TO_PAUSE, qualityUpperBound } from "./quality-policy.ts";
import { formatQuality } from "./quality-format.ts";

export interface Standing {
  title: string;
  taskType: string;
  threshold: number | null;
  quality: number;
  previousQuality: number | null;
  answers: number;
  agreement: number;
  chance: number;
  goldAnswered: number;
  goldCorrect: number;
  leftShare: number | null;
  flags: string[];
  pausedReason: string | null;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

const FLAG_WORDS: Record<string, string> = {
  adversarial:
    "Your answers disagree with the consensus more often than random clicking would, which looks like answering against the truth on purpose.",
  constant: "You give the same answer almost every time, whatever the item.",
  random: "Your answers match the consensus no more often than random clicks would.",
  "position-bias": "You pick one side of the screen far more often than the other, although the order is random.",
};

/** Whether the labeler has given enough answers on the project for their score to say much (and to pause them). */
export const hasEnoughAnswers = (s: Pick<Standing, "answers">) => s.answers >= MIN_ANSWERS_TO_PAUSE;

const WHAT_IT_MEASURES =
  "It says how far your answers can be trusted as evidence of the right answer: the model compares each of your answers with what the other labelers, weighted by their own reliability, concluded about the same item, and with what random answers would achieve. Careful work scores near 1, random clicking near 0.";

const HOW_PAUSING_WORKS = (threshold: number) =>
  `This project pauses a labeler only when their score is confidently below its minimum of ${formatQuality(threshold)}: after at least ${MIN_ANSWERS_TO_PAUSE} answers, and only when, even allowing for bad luck on some answers, their answers point to a score below it. A few unlucky answers do not pause anyone.`;

/** How far above the threshold the best plausible score may be before the labeler is warned that a pause is near. */
const WARNING_MARGIN = 0.1;

export function explainStanding(s: Standing): string[] {
  const lines = [
    hasEnoughAnswers(s)
      ? `Your quality score is ${formatQuality(s.quality)} out of 1. ${WHAT_IT_MEASURES}`
      : `Not enough answers yet: ${s.answers} of yours have been scored, and a score settles only from ${MIN_ANSWERS_TO_PAUSE}. Until then it is held low on purpose, even for careful answers, and it rises as you answer more; so far it is ${formatQuality(s.quality)} out of 1. ${WHAT_IT_MEASURES}`,
    `Of your ${s.answers} answers, ${pct(s.agreement)} match the consensus; answering at random would match about ${pct(s.chance)}.`,
  ];
  if (s.goldAnswered > 0 && s.taskType === "form") {
    lines.push(
      `The requester set known right answers for some questions; ${s.goldCorrect} of your ${s.goldAnswered} answers to them were right (${pct(s.goldCorrect / s.goldAnswered)}). These count more than other answers.`,
    );
  } else if (s.goldAnswered > 0) {
    lines.push(
      `${s.goldAnswered} of the items you answered have a known right answer set by the requester; you got ${s.goldCorrect} of them right (${pct(s.goldCorrect / s.goldAnswered)}). These count more than other items.`,
    );
  }
  if (s.taskType === "pairwise" && s.leftShare !== null) {
    lines.push(
      `You chose the left-hand response in ${pct(s.leftShare)} of your decisive answers; as the order is random, about 50% is expected.`,
    );
  } else if (s.taskType === "form" && s.leftShare !== null) {
    lines.push(
      `You put the response shown first ahead in ${pct(s.leftShare)} of your comparisons; as the order is random, about 50% is expected.`,
    );
  }
  for (const f of s.flags) if (FLAG_WORDS[f]) lines.push(FLAG_WORDS[f]);
  if (s.threshold !== null) lines.push(HOW_PAUSING_WORKS(s.threshold));
  lines.push("Your pay for each label on this project is its reward per label times this score.");
  return lines;
}

/**
 * A warning to show, if the score fell or is close to the project's pause threshold; none before the labeler has
 * enough answers, when the score moves with every answer and cannot pause them yet. "Close" is judged like the
 * pause itself: even the best score their answers make plausible is within WARNING_MARGIN of the minimum, so a
 * careful labeler whose score dipped on a few unlucky answers is not alarmed.
 */
export function qualityWarning(s: Standing): string | null {
  if (s.pausedReason || !hasEnoughAnswers(s)) return null;
  if (s.previousQuality !== null && s.quality < s.previousQuality - 0.05) {
    return `Your quality on ${s.title} fell from ${formatQuality(s.previousQuality)} to ${formatQuality(s.quality)}. Read the instructions again and take your time on each item.`;
  }
  if (s.threshold !== null && s.quality < s.threshold + WARNING_MARGIN) {
    if (qualityUpperBound(s) >= s.threshold + WARNING_MARGIN) return null;
    return `Your quality on ${s.title} (${formatQuality(s.quality)}) is close to the project's minimum of ${formatQuality(s.threshold)}; if your answers go on like this, you will be paused on this project.`;
  }
  return null;
}

/** Why the labeler is paused on the project, in plain words (null when they are not). */
export function pauseExplanation(s: Standing): string | null {
  if (!s.pausedReason) return null;
  const minimum = s.threshold === null ? "" : ` of ${formatQuality(s.threshold)}`;
  return `You are paused on this project: your quality score ${formatQuality(s.quality)} is below its minimum${minimum} after ${s.answers} answers, and confidently so, not through a few unlucky answers. What lowered it is explained below. Once a later score is no longer confidently below the minimum, you can label here again.`;
}
