/**
 * The prompt and the two responses of one training row, in the shapes TRL and Anthropic HH-RLHF use:
 * `{"prompt","chosen","rejected"}` with strings or {role, content} message lists, or `{"chosen","rejected"}`
 * holding two whole conversations (message lists, or "\n\nHuman: … \n\nAssistant: …" transcripts) that differ
 * only in their last reply. Empty text is accepted: an empty reply is a real, bad reply.
 */
import { MAX_FIELD_CHARS, renderMessages } from "../datasets/normalize.ts";
import { describe } from "../datasets/field-problem.ts";
import type { JsonPath } from "../datasets/json-column.ts";

export interface PairTexts {
  prompt: string;
  chosen: string;
  rejected: string;
}

/** Why a row is not a preference pair; `at` is the value it is about (none: the row as a whole). */
export class RowProblem extends Error {
  constructor(
    message: string,
    readonly at?: JsonPath,
  ) {
    super(message);
  }
}

type Message = { role: string; content: string };

const TEXT_FIELDS = ["prompt", "chosen", "rejected"] as const;
const TURN = "\n\nAssistant:";

function notText(field: string, value: unknown): RowProblem {
  return new RowProblem(`"${field}" must be a string or a list of {role, content} messages, got ${describe(value)}`, [
    field,
  ]);
}

function messages(field: string, list: unknown[]): Message[] {
  if (list.length === 0) throw new RowProblem(`"${field}" is an empty list of messages`, [field]);
  return list.map((m, i) => {
    const name = `"${field}" message ${i + 1}`;
    if (typeof m !== "object" || m === null || Array.isArray(m))
      throw new RowProblem(`${name} must be a {role, content} object, got ${describe(m)}`, [field, i]);
    const message = m as Record<string, unknown>;
    for (const key of ["role", "content"]) {
      if (!(key in message)) throw new RowProblem(`${name} has no "${key}"`, [field, i]);
      if (typeof message[key] !== "string")
        throw new RowProblem(`${name}: "${key}" must be a string, got ${describe(message[key])}`, [field, i, key]);
    }
    const { role, content } = message as Message;
    if (!role.trim()) throw new RowProblem(`${name}: "role" is empty`, [field, i, "role"]);
    return { role, content };
  });
}

function text(row: Record<string, unknown>, field: string): string {
  const value = row[field];
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return renderMessages(messages(field, value));
  throw notText(field, value);
}

/** Two conversations that share every message but the last: the shared part is the prompt. */
function conversations(chosen: Message[], rejected: Message[]): PairTexts {
  for (let i = 0; i < Math.max(chosen.length, rejected.length) - 1; i++) {
    if (chosen[i]?.role !== rejected[i]?.role || chosen[i]?.content !== rejected[i]?.content)
      throw new RowProblem(
        `"chosen" and "rejected" must be one conversation with different last messages; they differ at message ${i + 1}`,
        i < rejected.length ? ["rejected", i] : ["rejected"],
      );
  }
  return {
    prompt: renderMessages(chosen.slice(0, -1)),
    chosen: chosen.at(-1)!.content,
    rejected: rejected.at(-1)!.content,
  };
}

/** Anthropic HH-RLHF transcripts: the text after the last "\n\nAssistant:" is the reply, the text before it the prompt. */
function transcripts(chosen: string, rejected: string): PairTexts {
  const cut = chosen.lastIndexOf(TURN);
  if (cut < 0)
    throw new RowProblem('"chosen": transcript has no "\\n\\nAssistant:" turn; use prompt/chosen/rejected', ["chosen"]);
  const reply = cut + TURN.length;
  if (rejected.lastIndexOf(TURN) !== cut || !rejected.startsWith(chosen.slice(0, reply)))
    throw new RowProblem("chosen and rejected must share the conversation before the last assistant turn", [
      "rejected",
    ]);
  return {
    prompt: chosen.slice(0, cut).trim(),
    chosen: chosen.slice(reply).trim(),
    rejected: rejected.slice(reply).trim(),
  };
}

function implicitPrompt(row: Record<string, unknown>): PairTexts {
  const { chosen, rejected } = row;
  for (const field of ["chosen", "rejected"])
    if (typeof row[field] !== "string" && !Array.isArray(row[field])) throw notText(field, row[field]);
  if (typeof chosen === "string" && typeof rejected === "string") return transcripts(chosen, rejected);
  if (Array.isArray(chosen) && Array.isArray(rejected))
    return conversations(messages("chosen", chosen), messages("rejected", rejected));
  throw new RowProblem(
    `without "prompt", "rejected" must be ${typeof chosen === "string" ? "a transcript string" : "a list of messages"} like "chosen"`,
    ["rejected"],
  );
}

export function pairTexts(row: Record<string, unknown>): PairTexts {
  const missing = ["chosen", "rejected"].filter((f) => !(f in row));
  if (missing.length)
    throw new RowProblem(
      `missing ${missing.map((f) => `"${f}"`).join(", ")} (a pair is {prompt, chosen, rejected} or {chosen, rejected})`,
    );
  const texts =
    "prompt" in row
      ? { prompt: text(row, "prompt"), chosen: text(row, "chosen"), rejected: text(row, "rejected") }
      : implicitPrompt(row);
  for (const field of TEXT_FIELDS)
    if (texts[field].length > MAX_FIELD_CHARS)
      throw new RowProblem(`"${field}" is ${texts[field].length} characters; the limit is ${MAX_FIELD_CHARS}`, [field]);
  return texts;
}
