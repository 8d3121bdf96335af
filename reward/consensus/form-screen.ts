// A form answer as the labeler saw it, for the answer-pattern detectors: responses are named by their screen slot
// (A, B, … in this assignment's random order), so someone who always ranks the top response first, or always
// gives the same ratings, produces the same string every time whatever the items say.
import type {
  FormAnswers,
  LabelValue,
  PreferenceValue,
  Question,
  QuestionConsensus,
  RankingValue,
  StoredValue,
} from "../../db/schema/questions.ts";

const slotAt = (position: number) => String.fromCharCode(65 + position);
const labelText = (v: LabelValue | null) => (v === null ? "-" : Array.isArray(v) ? v.join("+") : v);

function screenValue(q: Question, v: StoredValue, order: readonly number[]): string {
  const slot = (r: number) => slotAt(order.indexOf(r));
  switch (q.type) {
    case "preference": {
      const { choice } = v as PreferenceValue;
      return choice === "a" ? slot(0) : choice === "b" ? slot(1) : choice;
    }
    case "ranking":
      return (v as RankingValue).map((g) => g.map(slot).sort().join("=")).join(">");
    case "rating":
      if (q.per === "item") return String(v);
      return order.map((r) => String((v as (number | null)[])[r] ?? "-")).join(",");
    case "label":
      if (q.per === "item") return labelText(v as LabelValue);
      return order.map((r) => labelText((v as (LabelValue | null)[])[r])).join(",");
    case "text":
      return "";
  }
}

/**
 * The answers to the form's non-text questions in screen terms, as one string; `order` is the assignment's
 * on-screen order of the item's responses. Only the questions in `answers` appear.
 */
export function screenKey(questions: readonly Question[], answers: FormAnswers, order: readonly number[]): string {
  return questions
    .filter((q) => q.type !== "text" && answers[q.name] !== undefined)
    .map((q) => `${q.name}=${screenValue(q, answers[q.name], order)}`)
    .join(";");
}

/** The consensus of an item's questions as an answer in the item's terms (a ranking without ties). */
export function consensusAnswer(
  questions: readonly Question[],
  results: ReadonlyMap<string, QuestionConsensus>,
): FormAnswers {
  const out: FormAnswers = {};
  for (const q of questions) {
    const c = results.get(q.name);
    if (!c) continue;
    if (c.type === "preference") out[q.name] = { choice: c.label };
    else if (c.type === "ranking") out[q.name] = c.order.map((r) => [r]);
    else {
      const values = c.type === "rating" ? c.values.map((v) => v.value) : c.values.map((v) => v.label);
      out[q.name] = ("per" in q && q.per === "response" ? values : values[0]) as StoredValue;
    }
  }
  return out;
}
