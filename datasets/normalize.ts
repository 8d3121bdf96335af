import { createHash } from "node:crypto";
import type { ItemContent, Message, Question, TaskType } from "../db/schema/index.ts";
import type { DatasetProblem } from "./errors.ts";
import { describe, FieldProblem } from "./field-problem.ts";
import { formGold } from "./form-gold.ts";
import { formItemContent } from "./form-items.ts";
import type { JsonPath } from "./json-column.ts";
import { MAX_DEPTH, MAX_FIELD_CHARS, MAX_ID_CHARS } from "./limits.ts";
import { renderMessages } from "./messages.ts";
import { replyStart, sharedPrompt } from "./transcripts.ts";

export { MAX_DEPTH, MAX_FIELD_CHARS, MAX_ID_CHARS } from "./limits.ts";
export { renderMessages } from "./messages.ts";

export interface ProjectShape {
  taskType: TaskType;
  categories?: string[] | null;
  ratingMin?: number | null;
  ratingMax?: number | null;
  /** The form of a "form" project. */
  questions?: Question[] | null;
}

export interface NormalizedItem {
  externalId: string;
  content: ItemContent;
  metadata: Record<string, unknown> | null;
  gold: string | null;
  /** A form item uploaded without responses, which the platform generates before it is served. */
  awaitingResponses: boolean;
}

export const PAIRWISE_GOLD = ["a", "b", "tie", "both_bad"] as const;

/**
 * The accepted shapes per fixed task type: each is the exact set of content fields besides id, metadata and gold
 * (a form project's shapes are in form-items.ts).
 */
export const SHAPES: Record<Exclude<TaskType, "form">, string[][]> = {
  pairwise: [
    ["prompt", "response_a", "response_b"],
    ["prompt", "chosen", "rejected"],
    ["chosen", "rejected"],
  ],
  rating: [["prompt", "response"]],
  label: [["text"]],
};
const OPTIONAL = ["id", "metadata", "gold"];

function isMessages(value: unknown): value is Message[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((m) => m && typeof m === "object" && typeof m.role === "string" && typeof m.content === "string")
  );
}

function text(record: Record<string, unknown>, field: string, { allowMessages = false } = {}): string {
  const value = record[field];
  let out: string;
  if (typeof value === "string") out = value;
  else if (allowMessages && isMessages(value)) out = renderMessages(value);
  else
    throw new FieldProblem(
      field,
      `"${field}" must be a string${allowMessages ? " or a list of {role, content} messages" : ""}, got ${describe(value)}`,
    );
  if (!out.trim()) throw new FieldProblem(field, `"${field}" is empty`);
  if (out.length > MAX_FIELD_CHARS)
    throw new FieldProblem(field, `"${field}" is ${out.length} characters; the limit is ${MAX_FIELD_CHARS}`);
  return out;
}

/** Splits two Anthropic-HH style transcripts ("\n\nHuman: …\n\nAssistant: …") into the shared prompt and the final replies. */
function splitTranscripts(record: Record<string, unknown>): { prompt: string; a: string; b: string } {
  const chosen = record.chosen;
  const rejected = record.rejected;
  if (isMessages(chosen) && isMessages(rejected)) {
    const prompt = sharedPrompt(chosen, rejected);
    return { prompt: renderMessages(prompt), a: text({ c: chosen.at(-1)!.content }, "c"), b: rejected.at(-1)!.content };
  }
  const c = text(record, "chosen");
  const r = text(record, "rejected");
  const cut = replyStart(c, r);
  const a = c.slice(cut).trim();
  const b = r.slice(cut).trim();
  if (!a) throw new FieldProblem("chosen", "the final assistant turn of chosen is empty");
  if (!b) throw new FieldProblem("rejected", "the final assistant turn of rejected is empty");
  return { prompt: c.slice(0, cut - "Assistant:".length).trim(), a, b };
}

function content(shape: string[], record: Record<string, unknown>): ItemContent {
  switch (shape.join(",")) {
    case "prompt,response_a,response_b":
      return {
        kind: "pairwise",
        prompt: text(record, "prompt"),
        responseA: text(record, "response_a"),
        responseB: text(record, "response_b"),
      };
    case "prompt,chosen,rejected":
      return {
        kind: "pairwise",
        prompt: text(record, "prompt", { allowMessages: true }),
        responseA: text(record, "chosen", { allowMessages: true }),
        responseB: text(record, "rejected", { allowMessages: true }),
      };
    case "chosen,rejected": {
      const { prompt, a, b } = splitTranscripts(record);
      return { kind: "pairwise", prompt, responseA: a, responseB: b };
    }
    case "prompt,response":
      return { kind: "rating", prompt: text(record, "prompt"), response: text(record, "response") };
    default:
      return { kind: "label", text: text(record, "text") };
  }
}

function gold(project: ProjectShape, value: unknown, fromCsv: boolean): string | null {
  if (value === undefined || value === null || (fromCsv && value === "")) return null;
  const raw = typeof value === "number" ? String(value) : value;
  if (typeof raw !== "string") throw new FieldProblem("gold", `"gold" must be a string, got ${describe(value)}`);
  const g = raw.trim();
  if (project.taskType === "pairwise") {
    if (!(PAIRWISE_GOLD as readonly string[]).includes(g))
      throw new FieldProblem("gold", `"gold" must be one of ${PAIRWISE_GOLD.join(", ")}, got "${g}"`);
  } else if (project.taskType === "rating") {
    const n = Number(g);
    if (!Number.isInteger(n) || n < (project.ratingMin ?? 1) || n > (project.ratingMax ?? 5))
      throw new FieldProblem(
        "gold",
        `"gold" must be an integer from ${project.ratingMin} to ${project.ratingMax}, got "${g}"`,
      );
  } else if (!(project.categories ?? []).includes(g)) {
    throw new FieldProblem(
      "gold",
      `"gold" must be one of the categories (${(project.categories ?? []).join(", ")}), got "${g}"`,
    );
  }
  return g;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unstorableText(s: string): string | null {
  if (s.includes("\u0000")) return "a NUL character, which cannot be stored";
  if (LONE_SURROGATE.test(s)) return "a lone UTF-16 surrogate, which is not a character";
  return null;
}

/**
 * Why `value` (a field of a row) cannot be stored, or null: nesting deeper than MAX_DEPTH, or a string or key that
 * PostgreSQL text/jsonb refuses (NUL) or that is not text (an unpaired surrogate). Recursion stops at the limit.
 */
function unstorable(value: unknown, depth = 1): string | null {
  if (typeof value === "string") return unstorableText(value);
  if (typeof value !== "object" || value === null) return null;
  if (depth > MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels`;
  for (const [key, child] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const problem = (typeof key === "string" ? unstorableText(key) : null) ?? unstorable(child, depth + 1);
    if (problem) return problem;
  }
  return null;
}

function checkStorable(field: string, value: unknown) {
  const problem = unstorable(value);
  if (problem)
    throw new FieldProblem(field, `"${field}" holds ${problem.startsWith("nested") ? "objects " : ""}${problem}`);
}

function metadata(value: unknown, fromCsv: boolean): Record<string, unknown> | null {
  if (value === undefined || value === null || (fromCsv && value === "")) return null;
  let parsed = value;
  if (fromCsv) {
    try {
      parsed = JSON.parse(value as string);
    } catch {
      throw new FieldProblem("metadata", '"metadata" must hold a JSON object');
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new FieldProblem("metadata", `"metadata" must be a JSON object, got ${describe(parsed)}`);
  if (fromCsv) checkStorable("metadata", parsed);
  return parsed as Record<string, unknown>;
}

function contentHash(content: ItemContent): string {
  return "sha256:" + createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 32);
}

/** Picks the one accepted shape whose fields the record has; reports missing or extra fields otherwise. */
function shapeOf(taskType: Exclude<TaskType, "form">, fields: string[]): string[] {
  const shapes = SHAPES[taskType];
  const exact = shapes.find((s) => s.length === fields.length && s.every((f) => fields.includes(f)));
  if (exact) return exact;
  const closest = [...shapes].sort(
    (x, y) => y.filter((f) => fields.includes(f)).length - x.filter((f) => fields.includes(f)).length,
  )[0];
  const missing = closest.filter((f) => !fields.includes(f));
  const extra = fields.filter((f) => !closest.includes(f));
  const parts = [];
  if (missing.length) parts.push(`missing ${missing.map((f) => `"${f}"`).join(", ")}`);
  if (extra.length) parts.push(`unexpected ${extra.map((f) => `"${f}"`).join(", ")}`);
  const accepted = shapes.map((s) => `{${s.join(", ")}}`).join(" or ");
  throw new FieldProblem(
    missing[0] ?? extra[0] ?? "",
    `${parts.join("; ")} (a ${taskType} item is ${accepted}, with optional id, metadata, gold)`,
  );
}

function externalIdOf(id: unknown, itemContent: ItemContent, fromCsv: boolean): string {
  if (id === undefined || id === null || (fromCsv && id === "")) return contentHash(itemContent);
  if (typeof id !== "string" && !(typeof id === "number" && Number.isFinite(id)))
    throw new FieldProblem("id", `"id" must be a string or number, got ${describe(id)}`);
  const externalId = String(id).trim();
  if (!externalId) throw new FieldProblem("id", '"id" is empty');
  if (externalId.length > MAX_ID_CHARS) throw new FieldProblem("id", `"id" is longer than ${MAX_ID_CHARS} characters`);
  return externalId;
}

/** The row's metadata with the fields its shape keeps there (UltraFeedback's), which it may not also give. */
function withKept(given: Record<string, unknown> | null, kept: Record<string, unknown> | null) {
  if (!kept) return given;
  const clash = Object.keys(given ?? {}).find((k) => k in kept);
  if (clash) throw new FieldProblem(["metadata", clash], `"metadata" has "${clash}", which the row also has`);
  return { ...kept, ...given };
}

function normalize(project: ProjectShape, value: Record<string, unknown>, fromCsv: boolean): NormalizedItem {
  for (const [field, v] of Object.entries(value)) checkStorable(field, v);
  const fields = Object.keys(value).filter((k) => !OPTIONAL.includes(k));
  if (project.taskType === "form") {
    const questions = project.questions ?? [];
    const form = formItemContent(questions, value, fields, fromCsv);
    return {
      externalId: externalIdOf(value.id, form.content, fromCsv),
      content: form.content,
      metadata: withKept(metadata(value.metadata, fromCsv), form.metadata),
      gold: formGold(questions, value.gold, form.content.responses.length, fromCsv),
      awaitingResponses: form.awaitingResponses,
    };
  }
  const itemContent = content(shapeOf(project.taskType, fields), value);
  return {
    externalId: externalIdOf(value.id, itemContent, fromCsv),
    content: itemContent,
    metadata: metadata(value.metadata, fromCsv),
    gold: gold(project, value.gold, fromCsv),
    awaitingResponses: false,
  };
}

/** Turns one raw record into an item, or a problem naming the line (and column, where it is about one value). */
export function normalizeRecord(
  project: ProjectShape,
  record: {
    line: number;
    value: Record<string, unknown>;
    columns?: Record<string, number>;
    columnOf?: (path: JsonPath) => number;
  },
): { ok: true; item: NormalizedItem } | { ok: false; problem: DatasetProblem } {
  try {
    return { ok: true, item: normalize(project, record.value, Boolean(record.columns)) };
  } catch (error) {
    if (!(error instanceof FieldProblem)) throw error;
    const field = String(error.at[0]);
    const column = record.columns
      ? record.columns[field]
      : field in record.value
        ? record.columnOf?.(error.at)
        : undefined;
    return { ok: false, problem: { line: record.line, column, message: error.message } };
  }
}
