import { createHash } from "node:crypto";
import type { ItemContent, TaskType } from "../db/schema/index.ts";
import type { DatasetProblem } from "./errors.ts";

export const MAX_FIELD_CHARS = 200_000;
export const MAX_ID_CHARS = 200;
/** How deep objects and lists may nest in a row (metadata is the only field that can nest at all). */
export const MAX_DEPTH = 32;

export interface ProjectShape {
  taskType: TaskType;
  categories?: string[] | null;
  ratingMin?: number | null;
  ratingMax?: number | null;
}

export interface NormalizedItem {
  externalId: string;
  content: ItemContent;
  metadata: Record<string, unknown> | null;
  gold: string | null;
}

export const PAIRWISE_GOLD = ["a", "b", "tie", "both_bad"] as const;

/** The accepted shapes per task type: each is the exact set of content fields besides id, metadata and gold. */
export const SHAPES: Record<TaskType, string[][]> = {
  pairwise: [
    ["prompt", "response_a", "response_b"],
    ["prompt", "chosen", "rejected"],
    ["chosen", "rejected"],
  ],
  rating: [["prompt", "response"]],
  label: [["text"]],
};
const OPTIONAL = ["id", "metadata", "gold"];

class FieldProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

type Message = { role: string; content: string };

function isMessages(value: unknown): value is Message[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((m) => m && typeof m === "object" && typeof m.role === "string" && typeof m.content === "string")
  );
}

/** A conversation as one prompt text, the form uploads store and reward models are trained on. */
export function renderMessages(messages: Message[]): string {
  if (messages.length === 1) return messages[0].content;
  return messages.map((m) => `**${m.role[0].toUpperCase()}${m.role.slice(1)}:** ${m.content}`).join("\n\n");
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

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}

const TURN = /\n\nAssistant:/g;

/** Splits two Anthropic-HH style transcripts ("\n\nHuman: …\n\nAssistant: …") into the shared prompt and the final replies. */
function splitTranscripts(record: Record<string, unknown>): { prompt: string; a: string; b: string } {
  const chosen = record.chosen;
  const rejected = record.rejected;
  if (isMessages(chosen) && isMessages(rejected)) {
    const prompt = chosen.slice(0, -1);
    if (JSON.stringify(prompt) !== JSON.stringify(rejected.slice(0, -1)) || !prompt.length)
      throw new FieldProblem("rejected", "chosen and rejected must share the conversation before the last message");
    return { prompt: renderMessages(prompt), a: text({ c: chosen.at(-1)!.content }, "c"), b: rejected.at(-1)!.content };
  }
  const c = text(record, "chosen");
  const r = text(record, "rejected");
  const lastTurn = (s: string) => Math.max(...[...s.matchAll(TURN)].map((m) => m.index! + m[0].length), -1);
  const cut = lastTurn(c);
  if (cut < 0)
    throw new FieldProblem("chosen", 'transcript has no "\\n\\nAssistant:" turn; use prompt/chosen/rejected');
  if (lastTurn(r) !== cut || c.slice(0, cut) !== r.slice(0, cut))
    throw new FieldProblem(
      "rejected",
      "chosen and rejected must share the conversation before the last assistant turn",
    );
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
function shapeOf(project: ProjectShape, keys: string[]): string[] {
  const fields = keys.filter((k) => !OPTIONAL.includes(k));
  const shapes = SHAPES[project.taskType];
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
    `${parts.join("; ")} (a ${project.taskType} item is ${accepted}, with optional id, metadata, gold)`,
  );
}

/** Turns one raw record into an item, or a problem naming the line (and column, for CSV). */
export function normalizeRecord(
  project: ProjectShape,
  record: { line: number; value: Record<string, unknown>; columns?: Record<string, number> },
): { ok: true; item: NormalizedItem } | { ok: false; problem: DatasetProblem } {
  const fromCsv = Boolean(record.columns);
  try {
    for (const [field, value] of Object.entries(record.value)) checkStorable(field, value);
    const shape = shapeOf(project, Object.keys(record.value));
    const itemContent = content(shape, record.value);
    let externalId: string;
    const id = record.value.id;
    if (id === undefined || id === null || (fromCsv && id === "")) externalId = contentHash(itemContent);
    else if (typeof id === "string" || (typeof id === "number" && Number.isFinite(id))) {
      externalId = String(id).trim();
      if (!externalId) throw new FieldProblem("id", '"id" is empty');
      if (externalId.length > MAX_ID_CHARS)
        throw new FieldProblem("id", `"id" is longer than ${MAX_ID_CHARS} characters`);
    } else throw new FieldProblem("id", `"id" must be a string or number, got ${describe(id)}`);
    return {
      ok: true,
      item: {
        externalId,
        content: itemContent,
        metadata: metadata(record.value.metadata, fromCsv),
        gold: gold(project, record.value.gold, fromCsv),
      },
    };
  } catch (error) {
    if (!(error instanceof FieldProblem)) throw error;
    return {
      ok: false,
      problem: { line: record.line, column: record.columns?.[error.field], message: error.message },
    };
  }
}
