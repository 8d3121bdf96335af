/**
 * The upload shapes of a form project's items: a prompt or a conversation with 0–9 responses, UltraFeedback rows,
 * and the pairwise shapes (two responses). Responses keep the file's order; an empty response is a real, bad one.
 */
import {
  MAX_RESPONSES,
  responsesNeeded,
  type FormContent,
  type FormResponse,
  type Message,
  type Question,
} from "../db/schema/index.ts";
import { describe, FieldProblem } from "./field-problem.ts";
import type { JsonPath } from "./json-column.ts";
import { MAX_FIELD_CHARS, MAX_ID_CHARS } from "./limits.ts";
import { messageList, renderMessages } from "./messages.ts";
import { replyStart, sharedPrompt, transcriptMessages } from "./transcripts.ts";

type Row = Record<string, unknown>;
type Prompt = Pick<FormContent, "prompt" | "messages">;

interface Read {
  prompt: Prompt;
  responses: FormResponse[];
  /** The field a wrong number of responses is reported at. */
  responsesField: string;
  /** Fields of the row kept in the item's metadata. */
  metadata?: Row;
}

interface FormShape {
  fields: string[];
  /** Fields the shape may also have. */
  optional?: (field: string) => boolean;
  /** Any other field is kept in the item's metadata (UltraFeedback rows carry several). */
  open?: boolean;
  /** `fields`: the row's content fields (all but id, metadata and gold). */
  read: (row: Row, fields: string[]) => Read;
}

export interface FormItemContent {
  content: FormContent;
  metadata: Row | null;
  awaitingResponses: boolean;
}

function limited(at: JsonPath, what: string, s: string): string {
  if (s.length > MAX_FIELD_CHARS)
    throw new FieldProblem(at, `${what} is ${s.length} characters; the limit is ${MAX_FIELD_CHARS}`);
  return s;
}

function text(at: JsonPath, what: string, value: unknown): string {
  if (typeof value !== "string") throw new FieldProblem(at, `${what} must be a string, got ${describe(value)}`);
  return limited(at, what, value);
}

function modelName(at: JsonPath, what: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !value.trim())
    throw new FieldProblem(at, `${what} must be the name of a model, got ${describe(value)}`);
  if (value.length > MAX_ID_CHARS) throw new FieldProblem(at, `${what} is longer than ${MAX_ID_CHARS} characters`);
  return value;
}

const response = (text: string, model?: string): FormResponse => (model === undefined ? { text } : { text, model });

function promptText(row: Row, field: string, alternative = ""): string {
  const value = row[field];
  if (typeof value !== "string")
    throw new FieldProblem(field, `"${field}" must be a string${alternative}, got ${describe(value)}`);
  if (!value.trim()) throw new FieldProblem(field, `"${field}" is empty`);
  return limited([field], `"${field}"`, value);
}

/** A conversation shown as the item's prompt: some text in it, and no longer than one text field may be. */
function conversation(field: string, messages: Message[], empty: string): Prompt {
  if (messages.every((m) => !m.content.trim())) throw new FieldProblem(field, empty);
  const length = messages.reduce((sum, m) => sum + m.content.length, 0);
  if (length > MAX_FIELD_CHARS)
    throw new FieldProblem(
      field,
      `the conversation in "${field}" is ${length} characters; the limit is ${MAX_FIELD_CHARS}`,
    );
  return { messages };
}

const MESSAGES = " or a list of {role, content} messages";

function promptOf(row: Row): Prompt {
  if (Array.isArray(row.prompt))
    return conversation("prompt", messageList("prompt", row.prompt), '"prompt" has no text');
  return { prompt: promptText(row, "prompt", MESSAGES) };
}

function list(row: Row, field: string): unknown[] {
  const value = row[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new FieldProblem(field, `"${field}" must be a list of responses, got ${describe(value)}`);
  if (value.length > MAX_RESPONSES)
    throw new FieldProblem(field, `"${field}" has ${value.length} responses; an item has at most ${MAX_RESPONSES}`);
  return value;
}

function isObject(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function responsesList(row: Row): FormResponse[] {
  return list(row, "responses").map((r, i) => {
    const what = `"responses" item ${i + 1}`;
    if (typeof r === "string") return response(limited(["responses", i], what, r));
    if (!isObject(r))
      throw new FieldProblem(["responses", i], `${what} must be a text or a {text, model} object, got ${describe(r)}`);
    const extra = Object.keys(r).find((k) => k !== "text" && k !== "model");
    if (extra) throw new FieldProblem(["responses", i, extra], `${what} has "${extra}"; a response is {text, model}`);
    if (!("text" in r)) throw new FieldProblem(["responses", i], `${what} has no "text"`);
    return response(
      text(["responses", i, "text"], `${what}: "text"`, r.text),
      modelName(["responses", i, "model"], `${what}: "model"`, r.model),
    );
  });
}

/** UltraFeedback: each completion's other fields (annotations, critique, scores) are kept in metadata.completions. */
function ultraFeedback(row: Row, fields: string[]): Read {
  const others: Row[] = [];
  const responses = list(row, "completions").map((c, i) => {
    const what = `"completions" item ${i + 1}`;
    if (!isObject(c))
      throw new FieldProblem(["completions", i], `${what} must be an object with "response", got ${describe(c)}`);
    if (!("response" in c)) throw new FieldProblem(["completions", i], `${what} has no "response"`);
    const { response: reply, model, ...rest } = c;
    others.push(rest);
    return response(
      text(["completions", i, "response"], `${what}: "response"`, reply),
      modelName(["completions", i, "model"], `${what}: "model"`, model),
    );
  });
  const metadata = Object.fromEntries(
    fields.filter((f) => f !== "instruction" && f !== "completions").map((f) => [f, row[f]]),
  );
  if (others.some((o) => Object.keys(o).length)) metadata.completions = others;
  return {
    prompt: { prompt: promptText(row, "instruction") },
    responses,
    responsesField: "completions",
    metadata: Object.keys(metadata).length ? metadata : undefined,
  };
}

/** CSV: response_1 … response_9 cells, an empty one being no response, each with an optional model_k. */
function numberedResponses(row: Row): FormResponse[] {
  const responses: FormResponse[] = [];
  let firstEmpty = 0;
  for (let k = 1; k <= MAX_RESPONSES; k++) {
    const reply = (row[`response_${k}`] as string | undefined) ?? "";
    const model = (row[`model_${k}`] as string | undefined) ?? "";
    if (!reply) {
      if (model) throw new FieldProblem(`model_${k}`, `"model_${k}" names a model but "response_${k}" is empty`);
      firstEmpty ||= k;
    } else if (firstEmpty) {
      throw new FieldProblem(
        `response_${firstEmpty}`,
        `"response_${firstEmpty}" is empty but "response_${k}" is not; number the responses from 1 without gaps`,
      );
    } else
      responses.push(
        response(
          limited([`response_${k}`], `"response_${k}"`, reply),
          model ? modelName([`model_${k}`], `"model_${k}"`, model) : undefined,
        ),
      );
  }
  return responses;
}

function reply(row: Row, field: string): FormResponse {
  const value = row[field];
  if (!Array.isArray(value)) return response(text([field], `"${field}"`, value));
  return response(limited([field], `"${field}"`, renderMessages(messageList(field, value))));
}

/** {chosen, rejected}: two conversations, or two HH transcripts, that differ only in their last reply. */
function implicitPrompt(row: Row): Read {
  const { chosen, rejected } = row;
  const read = (prompt: Prompt, a: string, b: string): Read => ({
    prompt,
    responses: [response(limited(["chosen"], '"chosen"', a)), response(limited(["rejected"], '"rejected"', b))],
    responsesField: "chosen",
  });
  if (Array.isArray(chosen) && Array.isArray(rejected)) {
    const c = messageList("chosen", chosen);
    const r = messageList("rejected", rejected);
    const prompt = conversation("chosen", sharedPrompt(c, r), "the conversation before the last message has no text");
    return read(prompt, c.at(-1)!.content, r.at(-1)!.content);
  }
  if (typeof chosen === "string" && typeof rejected === "string") {
    const cut = replyStart(chosen, rejected);
    const before = chosen.slice(0, cut - "Assistant:".length);
    const messages = transcriptMessages(before);
    const prompt = messages
      ? conversation("chosen", messages, "the transcript has no text before its last assistant turn")
      : { prompt: limited(["chosen"], "the prompt in the transcript", before.trim()) };
    return read(prompt, chosen.slice(cut).trim(), rejected.slice(cut).trim());
  }
  for (const field of ["chosen", "rejected"])
    if (typeof row[field] !== "string" && !Array.isArray(row[field]))
      throw new FieldProblem(field, `"${field}" must be a transcript string${MESSAGES}, got ${describe(row[field])}`);
  throw new FieldProblem(
    "rejected",
    `without "prompt", "rejected" must be ${typeof chosen === "string" ? "a transcript string" : "a list of messages"} like "chosen"`,
  );
}

const PAIR_SHAPES: FormShape[] = [
  {
    fields: ["prompt", "response_a", "response_b"],
    read: (row) => ({
      prompt: promptOf(row),
      responses: ["response_a", "response_b"].map((f) => response(text([f], `"${f}"`, row[f]))),
      responsesField: "response_a",
    }),
  },
  {
    fields: ["prompt", "chosen", "rejected"],
    read: (row) => ({
      prompt: promptOf(row),
      responses: [reply(row, "chosen"), reply(row, "rejected")],
      responsesField: "chosen",
    }),
  },
  { fields: ["chosen", "rejected"], read: implicitPrompt },
];
const JSONL_SHAPES: FormShape[] = [
  {
    fields: ["prompt"],
    optional: (f) => f === "responses",
    read: (row) => ({ prompt: promptOf(row), responses: responsesList(row), responsesField: "responses" }),
  },
  {
    fields: ["messages"],
    optional: (f) => f === "responses",
    read: (row) => ({
      prompt: conversation("messages", messageList("messages", row.messages), '"messages" has no text'),
      responses: responsesList(row),
      responsesField: "responses",
    }),
  },
  { fields: ["instruction", "completions"], open: true, read: ultraFeedback },
  ...PAIR_SHAPES,
];
const CSV_SHAPES: FormShape[] = [
  {
    fields: ["prompt"],
    optional: (f) => /^(response|model)_[1-9]$/.test(f),
    read: (row) => ({ prompt: promptOf(row), responses: numberedResponses(row), responsesField: "response_1" }),
  },
  ...PAIR_SHAPES,
];
const ACCEPTED = {
  jsonl:
    "a form item is {prompt, responses} or {messages, responses} (responses may be left out), {instruction, completions}, " +
    "{prompt, response_a, response_b}, {prompt, chosen, rejected} or {chosen, rejected}, with optional id, metadata, gold",
  csv:
    "a form item's columns are prompt and response_1 … response_9 (with model_1 … model_9, optional), " +
    "prompt,response_a,response_b, prompt,chosen,rejected or chosen,rejected, with optional id, metadata, gold",
};

const inShape = (shape: FormShape, field: string) => shape.fields.includes(field) || Boolean(shape.optional?.(field));

/** Picks the one accepted shape whose fields the row has; reports missing or extra fields otherwise. */
function shapeOf(fields: string[], fromCsv: boolean): FormShape {
  const shapes = fromCsv ? CSV_SHAPES : JSONL_SHAPES;
  const fits = (s: FormShape) =>
    s.fields.every((f) => fields.includes(f)) && (s.open || fields.every((f) => inShape(s, f)));
  const exact = shapes.find(fits);
  if (exact) return exact;
  const score = (s: FormShape) => fields.filter((f) => inShape(s, f)).length;
  const closest = [...shapes].sort((x, y) => score(y) - score(x))[0];
  const missing = closest.fields.filter((f) => !fields.includes(f));
  const extra = closest.open ? [] : fields.filter((f) => !inShape(closest, f));
  const parts = [];
  if (missing.length) parts.push(`missing ${missing.map((f) => `"${f}"`).join(", ")}`);
  if (extra.length) parts.push(`unexpected ${extra.map((f) => `"${f}"`).join(", ")}`);
  throw new FieldProblem(missing[0] ?? extra[0], `${parts.join("; ")} (${ACCEPTED[fromCsv ? "csv" : "jsonl"]})`);
}

function checkCount(questions: readonly Question[], n: number, field: string) {
  const { min, max } = responsesNeeded(questions);
  if (n > 0 && (n < min || n > max))
    throw new FieldProblem(
      field,
      `this form needs ${min === max ? `exactly ${min}` : `${min} to ${max}`} responses per item (or none yet), got ${n}`,
    );
}

/**
 * The content of a form item from a row whose content fields are `fields`. An item without responses waits for
 * the platform to generate them, unless the form asks nothing about responses.
 */
export function formItemContent(
  questions: readonly Question[],
  row: Row,
  fields: string[],
  fromCsv: boolean,
): FormItemContent {
  const read = shapeOf(fields, fromCsv).read(row, fields);
  checkCount(questions, read.responses.length, read.responsesField);
  return {
    content: { kind: "form", ...read.prompt, responses: read.responses },
    metadata: read.metadata ?? null,
    awaitingResponses: read.responses.length === 0 && responsesNeeded(questions).min > 0,
  };
}
