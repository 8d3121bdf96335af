import {
  checkValue,
  ValueProblem,
  type FormAnswers,
  type PreferenceValue,
  type Question,
  type StoredValue,
} from "../db/schema/index.ts";
import { AnswerError } from "./answers.ts";

/** The opaque name of the response shown at each screen position (A, B, …): it says nothing of the item's order. */
export const slotAt = (position: number) => String.fromCharCode(65 + position);

/** Maps screen slots to the item's own response indices through this assignment's on-screen order. */
function slotMapper(order: readonly number[]) {
  const slots = order.map((_, position) => slotAt(position));
  const index = (slot: unknown): number => {
    const position = typeof slot === "string" ? slots.indexOf(slot.toUpperCase()) : -1;
    if (position < 0) throw new ValueProblem(`a response slot (${slots.join(", ")})`);
    return order[position];
  };
  /** A per-response object keyed by slot becomes a list in item order (unrated responses null). */
  const bySlot = (value: unknown): unknown[] => {
    if (!value || typeof value !== "object" || Array.isArray(value))
      throw new ValueProblem(`an object keyed by response slot (${slots.join(", ")})`);
    const out: unknown[] = order.map(() => null);
    for (const [slot, v] of Object.entries(value)) out[index(slot)] = v ?? null;
    return out;
  };
  return { index, bySlot };
}

function preferenceInItemTerms(value: unknown, index: (slot: unknown) => number): unknown {
  const o = typeof value === "string" ? { choice: value } : (value as Partial<PreferenceValue> | null);
  if (!o || typeof o !== "object") return value;
  const choice = o.choice as string | undefined;
  if (choice === "tie" || choice === "both_bad") return { choice };
  const screen = choice === "left" ? "A" : choice === "right" ? "B" : choice;
  return { ...o, choice: index(screen) === 0 ? "a" : "b" };
}

function toItemTerms(q: Question, value: unknown, order: readonly number[]): unknown {
  const { index, bySlot } = slotMapper(order);
  switch (q.type) {
    case "preference":
      return preferenceInItemTerms(value, index);
    case "ranking":
      if (!Array.isArray(value)) throw new ValueProblem("a list of response slots, best first");
      return value.map((group) => (Array.isArray(group) ? group.map(index) : [index(group)]));
    case "rating":
    case "label":
      return q.per === "response" ? bySlot(value) : value;
    case "text":
      return value;
  }
}

function toScreenTerms(q: Question, value: StoredValue, order: readonly number[]): unknown {
  const slotOf = (index: number) => slotAt(order.indexOf(index));
  switch (q.type) {
    case "preference": {
      const { choice, strength } = value as PreferenceValue;
      const screen = choice === "a" ? slotOf(0) : choice === "b" ? slotOf(1) : choice;
      return strength === undefined ? { choice: screen } : { choice: screen, strength };
    }
    case "ranking":
      return (value as number[][]).map((group) => group.map(slotOf));
    case "rating":
    case "label":
      if (q.per !== "response") return value;
      return Object.fromEntries((value as unknown[]).flatMap((v, index) => (v === null ? [] : [[slotOf(index), v]])));
    case "text":
      return value;
  }
}

/** Stored answers (item terms) back in the screen terms of an assignment's order: the inverse of toStoredFormAnswers. */
export function toScreenFormAnswers(
  questions: readonly Question[],
  order: readonly number[],
  stored: FormAnswers,
): Record<string, unknown> {
  return Object.fromEntries(
    questions.flatMap((q) => (q.name in stored ? [[q.name, toScreenTerms(q, stored[q.name], order)]] : [])),
  );
}

/** An optional per-response question left blank for every response (an empty multi-label list is an answer). */
const isBlank = (v: StoredValue) => Array.isArray(v) && v.length > 0 && v.every((x) => x === null);

/**
 * Validates a labeler's answers to a form (screen terms: slots A, B, …) and returns them in the item's own terms:
 * unknown questions are refused, required ones must be answered, per-response ones must cover every response.
 */
export function toStoredFormAnswers(
  questions: readonly Question[],
  order: readonly number[],
  answers: Record<string, unknown>,
): FormAnswers {
  const known = new Set(questions.map((q) => q.name));
  const unknown = Object.keys(answers).find((name) => !known.has(name));
  if (unknown) throw new AnswerError(`answers.${unknown}: the form has no question "${unknown}"`);
  const stored: FormAnswers = {};
  for (const q of questions) {
    const given = answers[q.name];
    if (given === undefined || given === null || given === "") {
      if (q.required) throw new AnswerError(`answers.${q.name}: "${q.title}" is required`);
      continue;
    }
    let value: StoredValue;
    try {
      value = checkValue(q, toItemTerms(q, given, order), order.length);
    } catch (error) {
      if (error instanceof ValueProblem) throw new AnswerError(`answers.${q.name}: expected ${error.message}`);
      throw error;
    }
    const partial = Array.isArray(value) && q.type !== "ranking" && value.some((x) => x === null);
    if (q.required && partial) throw new AnswerError(`answers.${q.name}: answer "${q.title}" for every response`);
    if (!isBlank(value)) stored[q.name] = value;
  }
  return stored;
}
