/**
 * Gold answers of a form item: an object keyed by question name, each value in the item's own terms (response
 * numbers in a ranking count from 1 in the file), stored as JSON text in items.gold.
 */
import { checkValue, ValueProblem, type Question, type StoredValue } from "../db/schema/index.ts";
import { describe, FieldProblem } from "./field-problem.ts";

/** Questions whose answer is about the responses, so that gold for them needs the item's responses. */
function aboutResponses(q: Question): boolean {
  return (
    q.type === "preference" ||
    q.type === "ranking" ||
    ((q.type === "rating" || q.type === "label") && q.per === "response")
  );
}

/** A ranking's 1-based response numbers as the 0-based indices stored; anything else is left for checkValue. */
function fromResponseNumbers(v: unknown): unknown {
  const index = (n: unknown) => (typeof n === "number" && Number.isInteger(n) ? n - 1 : n);
  return Array.isArray(v) ? v.map((g) => (Array.isArray(g) ? g.map(index) : index(g))) : v;
}

function parsed(value: unknown, fromCsv: boolean, names: string[]): Record<string, unknown> | null {
  if (value === undefined || value === null || (fromCsv && value === "")) return null;
  const shape = `an object of gold answers by question name (${names.join(", ")})`;
  let object = value;
  if (fromCsv) {
    try {
      object = JSON.parse(value as string);
    } catch {
      throw new FieldProblem("gold", `"gold" must hold ${shape}`);
    }
  }
  if (typeof object !== "object" || object === null || Array.isArray(object))
    throw new FieldProblem("gold", `"gold" must be ${shape}, got ${describe(object)}`);
  return object as Record<string, unknown>;
}

/** Checks the gold of an item with `responses` responses against the form; the JSON text to store, or null. */
export function formGold(questions: readonly Question[], value: unknown, responses: number, fromCsv: boolean) {
  const names = questions.map((q) => q.name);
  const given = parsed(value, fromCsv, names);
  if (!given) return null;
  for (const name of Object.keys(given)) {
    const q = questions.find((x) => x.name === name);
    if (!q)
      throw new FieldProblem(
        ["gold", name],
        `"gold" has "${name}", which is not a question of this form (${names.join(", ")})`,
      );
    if (q.type === "text")
      throw new FieldProblem(["gold", name], `"gold" cannot hold an answer to the text question "${name}"`);
    if (aboutResponses(q) && responses === 0)
      throw new FieldProblem(["gold", name], `gold for "${name}" needs the item's responses, and it has none yet`);
  }
  const gold: Record<string, StoredValue> = {};
  for (const q of questions) {
    if (!(q.name in given)) continue;
    const v = given[q.name];
    try {
      gold[q.name] = checkValue(q, q.type === "ranking" ? fromResponseNumbers(v) : v, responses);
    } catch (error) {
      if (!(error instanceof ValueProblem)) throw error;
      const numbering = q.type === "ranking" ? " (responses numbered from 1)" : "";
      throw new FieldProblem(
        ["gold", q.name],
        `gold for "${q.name}" must be ${error.message}${numbering}, got ${JSON.stringify(v).slice(0, 60)}`,
      );
    }
  }
  return Object.keys(gold).length ? JSON.stringify(gold) : null;
}
