// An answer as a reviewer reads it: the item in its own order (response A is its first response, whatever order the
// labeler saw), each question's answer in words, and how text answers were written.
import type { ReviewAnswerRow } from "../db/queries/reviews.ts";
import type { ItemContent, Message, Question, TextInputSignals } from "../db/schema/index.ts";
import { slotAt } from "./form-answers.ts";
import { pastedFields, RATIONALE } from "./input-signals.ts";
import { describeAnswer } from "./qualifications.ts";

export interface ReviewItemView {
  prompt?: string;
  messages?: Message[];
  /** The label shape's text to classify. */
  text?: string;
  /** In the item's own order: slot A is its first response. */
  responses: { slot: string; text: string }[];
}

export interface ReviewAnswerWords {
  /** The question's title (the fixed shapes: "Preference", "Rating", "Label"). */
  question: string;
  words: string;
}

export interface ReviewTextSignals extends TextInputSignals {
  field: string;
  /** The text question's title ("Rationale" for the fixed shapes' rationale). */
  title: string;
  pastedWhole: boolean;
}

export interface ReviewAnswerView {
  item: ReviewItemView;
  answers: ReviewAnswerWords[];
  rationale: string | null;
  /** The order the labeler saw the responses in, when it differs from the item's (e.g. "B, A"). */
  shownOrder: string | null;
  signals: ReviewTextSignals[];
}

const PAIR_WORDS: Record<string, string> = {
  a: "A is better",
  b: "B is better",
  tie: "a tie",
  both_bad: "both bad",
};

export function reviewItemView(content: ItemContent): ReviewItemView {
  switch (content.kind) {
    case "pairwise":
      return {
        prompt: content.prompt,
        responses: [
          { slot: "A", text: content.responseA },
          { slot: "B", text: content.responseB },
        ],
      };
    case "rating":
      return { prompt: content.prompt, responses: [{ slot: "A", text: content.response }] };
    case "label":
      return { text: content.text, responses: [] };
    case "form":
      return {
        ...(content.messages ? { messages: content.messages } : { prompt: content.prompt ?? "" }),
        responses: content.responses.map((r, i) => ({ slot: slotAt(i), text: r.text })),
      };
  }
}

/** A short line of the item for lists (its prompt, its last message or its text), at most `max` characters. */
export function itemExcerpt(content: ItemContent, max = 160): string {
  const text =
    content.kind === "label"
      ? content.text
      : content.kind === "form" && content.messages
        ? (content.messages.at(-1)?.content ?? "")
        : (content.prompt ?? "");
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function answerWords(row: ReviewAnswerRow, questions: readonly Question[] | null): ReviewAnswerWords[] {
  switch (row.content.kind) {
    case "pairwise": {
      const words = PAIR_WORDS[row.value] ?? row.value;
      return [{ question: "Preference", words: row.strength ? `${words} (strength ${row.strength} of 3)` : words }];
    }
    case "rating":
      return [{ question: "Rating", words: row.value }];
    case "label":
      return [{ question: "Label", words: row.value }];
    case "form":
      return (questions ?? []).map((q) => {
        const value = row.answers?.[q.name];
        const strength =
          q.type === "preference" && value && typeof value === "object" && "strength" in value && value.strength
            ? ` (strength ${value.strength} of 3)`
            : "";
        return { question: q.title, words: describeAnswer(q, value) + strength };
      });
  }
}

/** The answer in words, in the item's own terms, with the screen order it was given in and its text signals. */
export function reviewAnswerView(row: ReviewAnswerRow, questions: readonly Question[] | null): ReviewAnswerView {
  const form = row.content.kind === "form";
  const textOf = (field: string) =>
    field === RATIONALE && !form ? row.rationale : (row.answers?.[field] as string | undefined);
  const pasted = new Set(pastedFields(row.inputSignals, textOf));
  let shownOrder: string | null = null;
  if (row.content.kind === "pairwise" && row.swapped) shownOrder = "B, A";
  if (form && row.responseOrder && row.responseOrder.some((index, position) => index !== position))
    shownOrder = row.responseOrder.map(slotAt).join(", ");
  return {
    item: reviewItemView(row.content),
    answers: answerWords(row, questions),
    rationale: row.rationale,
    shownOrder,
    signals: Object.entries(row.inputSignals ?? {}).map(([field, s]) => ({
      field,
      title: form ? (questions?.find((q) => q.name === field)?.title ?? field) : "Rationale",
      ...s,
      pastedWhole: pasted.has(field),
    })),
  };
}
