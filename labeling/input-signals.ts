import { DomainError } from "../db/errors.ts";
import type { PastedWholeRule } from "../db/queries/projects.ts";
import type { Question, TextInputSignals } from "../db/schema/index.ts";

/** The fixed shapes' one text field, the optional rationale, as input signals name it. */
export const RATIONALE = "rationale";

/**
 * A text answer is "pasted in whole" when pastes brought in (almost) all of its characters and little of it was
 * typed. Answers under `minChars` are never marked: a word or a name copied from the response says nothing about
 * who wrote it. The dashboard and the abuse page apply the same numbers in SQL (`pastedWholeSql`).
 */
export const PASTED_WHOLE: PastedWholeRule = { minChars: 20, pastedShare: 0.9, typedShare: 0.1 };

/** Characters as the database counts them (code points, like char_length), so both sides of the rule agree. */
export const textChars = (text: string | null | undefined) => (text ? [...text].length : 0);

export function isPastedWhole(
  signals: TextInputSignals | undefined,
  text: string | null | undefined,
  rule: PastedWholeRule = PASTED_WHOLE,
): boolean {
  const chars = textChars(text);
  return (
    signals !== undefined &&
    chars >= rule.minChars &&
    signals.pastes > 0 &&
    signals.pastedChars >= rule.pastedShare * chars &&
    signals.typedChars <= rule.typedShare * chars
  );
}

/** The fields of one answer that were pasted in whole, given each field's text, in the signals' order. */
export function pastedFields(
  signals: Record<string, TextInputSignals> | null | undefined,
  textOf: (field: string) => string | null | undefined,
): string[] {
  return Object.entries(signals ?? {})
    .filter(([field, s]) => isPastedWhole(s, textOf(field)))
    .map(([field]) => field);
}

/**
 * The signals to store with an answer: each key must be a text question of the form (or `rationale` for the fixed
 * shapes), else a 400 naming it; fields left empty are dropped (no text, nothing to describe). Null when none remain.
 */
export function signalsToStore(
  project: { taskType: string; questions: readonly Question[] | null },
  given: Record<string, TextInputSignals> | undefined,
  texts: { answers?: Record<string, unknown>; rationale?: string },
): Record<string, TextInputSignals> | null {
  if (!given) return null;
  const form = project.taskType === "form";
  const textQuestions = new Set((project.questions ?? []).filter((q) => q.type === "text").map((q) => q.name));
  const out: Record<string, TextInputSignals> = {};
  for (const [field, signals] of Object.entries(given)) {
    if (form && !textQuestions.has(field))
      throw new DomainError(
        "invalid_answer",
        `inputSignals.${field}: the form has no text question "${field}"` +
          (textQuestions.size ? ` (its text questions: ${[...textQuestions].join(", ")})` : " (it has none)"),
      );
    if (!form && field !== RATIONALE)
      throw new DomainError("invalid_answer", `inputSignals.${field}: only "${RATIONALE}" is a text field here`);
    const text = form ? texts.answers?.[field] : texts.rationale;
    if (typeof text === "string" && text.trim() !== "") out[field] = signals;
  }
  return Object.keys(out).length ? out : null;
}
