import type { Question } from "../../../db/schema/questions.ts";

// A form's answers as the labeler gives them: responses named by their on-screen slots (A, B, …). The server maps
// them back to the item's own order (labeling/form-answers.ts).

export type PreferenceChoice = "A" | "B" | "tie" | "both_bad";
export type PreferenceAnswer = { choice: PreferenceChoice; strength?: number };
/** Groups of slots, best first; a group of several is a tie. */
export type RankingAnswer = string[][];
export type LabelAnswer = string | string[];
export type ScreenAnswer =
  | PreferenceAnswer
  | RankingAnswer
  | number
  | Record<string, number>
  | LabelAnswer
  | Record<string, LabelAnswer>
  | string;
export type ScreenAnswers = Record<string, ScreenAnswer | undefined>;

export interface ScreenResponse {
  slot: string;
  text: string;
}

type Of<T extends Question["type"]> = Extract<Question, { type: T }>;

/** The points of a rating scale, lowest first. */
export const scalePoints = (q: Of<"rating">) =>
  Array.from({ length: Math.max(0, q.max - q.min + 1) }, (_, i) => q.min + i);

/**
 * The value a number key picks on a scale: the digit itself when the whole scale is 0–9 (press 4 for a 4), else the
 * n-th point (1 for the lowest).
 */
export function pointForDigit(q: Of<"rating">, digit: number): number | undefined {
  const points = scalePoints(q);
  if (q.min >= 0 && q.max <= 9) return points.includes(digit) ? digit : undefined;
  return digit >= 1 ? points[digit - 1] : undefined;
}

/** The number key shown on a scale point, if it has one. */
export function digitForPoint(q: Of<"rating">, point: number): string | undefined {
  if (q.min >= 0 && q.max <= 9) return String(point);
  const n = point - q.min + 1;
  return n <= 9 ? String(n) : undefined;
}

/** The number a key stands for ("1"–"9", and "0"), ignoring keys pressed with a modifier. */
export function digitOf(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): number | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey || !/^[0-9]$/.test(e.key)) return undefined;
  return Number(e.key);
}

export const ranked = (r: RankingAnswer | undefined) => (r ?? []).flat();

/** Appends a response as the next rank (a response already placed stays where it is). */
export function placeNext(r: RankingAnswer, slot: string): RankingAnswer {
  return ranked(r).includes(slot) ? r : [...r, [slot]];
}

/** Ties the last placed rank with the one above it. */
export function tieWithPrevious(r: RankingAnswer): RankingAnswer {
  if (r.length < 2) return r;
  return [...r.slice(0, -2), [...r[r.length - 2], ...r[r.length - 1]]];
}

/** Takes back the last placement. */
export function undoPlacement(r: RankingAnswer): RankingAnswer {
  const last = r[r.length - 1];
  if (!last) return r;
  return last.length > 1 ? [...r.slice(0, -1), last.slice(0, -1)] : r.slice(0, -1);
}

/** Where a dragged response lands: into rank group `join` (a tie), as a new rank before group `before`, or unranked. */
export type RankDrop = { join: number } | { before: number } | "unranked";

export function moveInRanking(r: RankingAnswer, slot: string, drop: RankDrop): RankingAnswer {
  const without = r.map((g) => g.filter((s) => s !== slot));
  const kept = without.filter((g) => g.length > 0);
  if (drop === "unranked") return kept;
  const target = "join" in drop ? drop.join : drop.before;
  if (target >= r.length) return [...kept, [slot]];
  // The target group, found again once the response has left its own (which may empty and vanish: then no move).
  const at = kept.indexOf(without[target]);
  if (at < 0) return r;
  return "join" in drop
    ? kept.map((g, i) => (i === at ? [...g, slot] : g))
    : [...kept.slice(0, at), [slot], ...kept.slice(at)];
}

/**
 * The response the labeler ranked or chose best so far (the first placed of the top rank, or the preferred one), for
 * text questions that start from it.
 */
export function bestSlot(questions: readonly Question[], answers: ScreenAnswers): string | undefined {
  for (const q of questions) {
    const value = answers[q.name];
    if (q.type === "ranking") return (value as RankingAnswer | undefined)?.[0]?.[0];
    if (q.type === "preference") {
      const choice = (value as PreferenceAnswer | undefined)?.choice;
      return choice === "A" || choice === "B" ? choice : undefined;
    }
  }
  return undefined;
}

/** A text question's answer as shown: what the labeler wrote, or else the best response when it starts from it. */
export function textShown(
  q: Of<"text">,
  answers: ScreenAnswers,
  questions: readonly Question[],
  responses: readonly ScreenResponse[],
): string {
  const written = answers[q.name];
  if (typeof written === "string") return written;
  if (q.prefill !== "best") return "";
  const best = bestSlot(questions, answers);
  return responses.find((r) => r.slot === best)?.text ?? "";
}

const missingSlots = (slots: readonly string[], given: (slot: string) => boolean) => slots.filter((s) => !given(s));
const left = (missing: string[]) => `(${missing.join(", ")} left)`;

/** Why a question cannot be sent as it stands, or null: required and unanswered, or (ranking) half done. */
export function questionProblem(q: Question, value: ScreenAnswer | undefined, slots: readonly string[]): string | null {
  switch (q.type) {
    case "preference":
      return q.required && !(value as PreferenceAnswer | undefined)?.choice ? "Choose one of the answers." : null;
    case "ranking": {
      const placed = ranked(value as RankingAnswer | undefined);
      if (placed.length === slots.length || (placed.length === 0 && !q.required)) return null;
      const missing = left(missingSlots(slots, (s) => placed.includes(s)));
      return q.required ? `Rank every response ${missing}.` : `Rank every response, or none ${missing}.`;
    }
    case "rating":
    case "label": {
      const verb = q.type === "rating" ? "Rate" : "Label";
      if (!q.required) return null;
      const answered = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== "");
      if (q.per === "item") {
        if (answered(value)) return null;
        return q.type === "rating" ? "Pick a rating." : q.multiple ? "Pick at least one category." : "Pick a category.";
      }
      const bySlot = (value ?? {}) as Record<string, unknown>;
      const missing = missingSlots(slots, (s) => answered(bySlot[s]));
      return missing.length ? `${verb} every response ${left(missing)}.` : null;
    }
    case "text":
      return q.required && !(typeof value === "string" && value.trim()) ? "Write an answer." : null;
  }
}

/**
 * The answers to post (`answers` of the labeling action), in screen terms: ranks of one response as the bare slot,
 * text as shown (a rewrite starts from the best response), and unanswered optional questions left out.
 */
export function answersPayload(
  questions: readonly Question[],
  answers: ScreenAnswers,
  responses: readonly ScreenResponse[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const q of questions) {
    const value = q.type === "text" ? textShown(q, answers, questions, responses) : answers[q.name];
    if (value === undefined || value === "") continue;
    if (q.type === "ranking") {
      const groups = value as RankingAnswer;
      if (groups.length) out[q.name] = groups.map((g) => (g.length === 1 ? g[0] : g));
    } else if (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    else out[q.name] = value;
  }
  return out;
}
