/**
 * Items of a qualification test: the form items of an upload (a prompt or conversation with its responses) plus
 * `answers`, the known answers by question name in the item's own terms (as an upload's `gold`), and an optional
 * `explanation`. Checked all or nothing: any problem refuses the whole file, each problem with its line and column.
 */
import type { FormAnswers, FormContent, Question } from "../db/schema/index.ts";
import { DatasetError, type DatasetProblem } from "./errors.ts";
import { describe, FieldProblem } from "./field-problem.ts";
import { formGold } from "./form-gold.ts";
import { formItemContent } from "./form-items.ts";
import { columnAt } from "./json-column.ts";
import { MAX_PROBLEMS } from "./ingest.ts";
import { MAX_FIELD_CHARS } from "./limits.ts";

/** Most items one test may have (a test is taken in one sitting). */
export const MAX_TEST_ITEMS = 200;
const OWN_FIELDS = ["answers", "explanation", "id", "metadata"];

export interface TestItem {
  content: FormContent;
  answers: FormAnswers;
  explanation: string | null;
}

function testItem(questions: readonly Question[], row: Record<string, unknown>): TestItem {
  const fields = Object.keys(row).filter((k) => !OWN_FIELDS.includes(k));
  const { content, awaitingResponses } = formItemContent(questions, row, fields, false);
  if (awaitingResponses) throw new FieldProblem("responses", "a test item needs its responses");
  if (row.answers === undefined) throw new FieldProblem("answers", `give the known "answers" by question name`);
  let known: string | null;
  try {
    known = formGold(questions, row.answers, content.responses.length, false);
  } catch (error) {
    // formGold speaks of an upload's "gold"; here the field is "answers".
    if (error instanceof FieldProblem)
      throw new FieldProblem(
        ["answers", ...error.at.slice(1)],
        error.message.replaceAll('"gold"', '"answers"').replace(/^gold for/, "the known answer for"),
      );
    throw error;
  }
  if (!known) throw new FieldProblem("answers", `"answers" must name at least one question other than free text`);
  const explanation = row.explanation ?? null;
  if (explanation !== null && typeof explanation !== "string")
    throw new FieldProblem("explanation", `"explanation" must be a string, got ${describe(explanation)}`);
  if (typeof explanation === "string" && explanation.length > MAX_FIELD_CHARS)
    throw new FieldProblem("explanation", `"explanation" is longer than ${MAX_FIELD_CHARS} characters`);
  return { content, answers: JSON.parse(known) as FormAnswers, explanation: explanation?.trim() || null };
}

/** Parses the rows (`text`: the JSON line, for columns), refusing all of them with the first problems found. */
function parseRows(questions: readonly Question[], rows: { line: number; value: unknown; text?: string }[]) {
  const problems: DatasetProblem[] = [];
  const items: TestItem[] = [];
  if (rows.length === 0) problems.push({ line: 1, message: "the file has no items" });
  if (rows.length > MAX_TEST_ITEMS)
    problems.push({ line: MAX_TEST_ITEMS + 1, message: `a test has at most ${MAX_TEST_ITEMS} items` });
  for (const { line, value, text } of rows.slice(0, MAX_TEST_ITEMS)) {
    if (problems.length >= MAX_PROBLEMS) break;
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      problems.push({ line, message: `an item must be a JSON object, got ${describe(value)}` });
      continue;
    }
    try {
      items.push(testItem(questions, value as Record<string, unknown>));
    } catch (error) {
      if (!(error instanceof FieldProblem)) throw error;
      const field = String(error.at[0]);
      const column = text && field in value ? columnAt(text, error.at) : undefined;
      problems.push({ line, ...(column ? { column } : {}), message: error.message });
    }
  }
  if (problems.length) throw new DatasetError(problems);
  return items;
}

/** A JSONL file of test items (blank lines are skipped). */
export function parseTestItemsJsonl(questions: readonly Question[], text: string): TestItem[] {
  const rows: { line: number; value: unknown; text?: string }[] = [];
  const problems: DatasetProblem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      rows.push({ line: i + 1, value: JSON.parse(line), text: line });
    } catch {
      problems.push({ line: i + 1, message: "not valid JSON" });
    }
  });
  if (problems.length) throw new DatasetError(problems.slice(0, MAX_PROBLEMS));
  return parseRows(questions, rows);
}

/** Test items given as a JSON list (the API); a problem's "line" is the item's number in the list, from 1. */
export function parseTestItemsList(questions: readonly Question[], list: unknown[]): TestItem[] {
  return parseRows(
    questions,
    list.map((value, i) => ({ line: i + 1, value })),
  );
}
