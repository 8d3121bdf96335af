import type { Message } from "../db/schema/index.ts";
import { describe, FieldProblem } from "./field-problem.ts";
import { MAX_ID_CHARS } from "./limits.ts";

/** A conversation as one prompt text, the form uploads store and reward models are trained on. */
export function renderMessages(messages: Message[]): string {
  if (messages.length === 1) return messages[0].content;
  return messages.map((m) => `**${m.role[0].toUpperCase()}${m.role.slice(1)}:** ${m.content}`).join("\n\n");
}

/** The {role, content} messages of `field`, each role named and each content a string (which may be empty). */
export function messageList(field: string, value: unknown): Message[] {
  if (!Array.isArray(value))
    throw new FieldProblem(field, `"${field}" must be a list of {role, content} messages, got ${describe(value)}`);
  if (value.length === 0) throw new FieldProblem(field, `"${field}" is an empty list of messages`);
  return value.map((m: unknown, i) => {
    const name = `"${field}" message ${i + 1}`;
    if (typeof m !== "object" || m === null || Array.isArray(m))
      throw new FieldProblem([field, i], `${name} must be a {role, content} object, got ${describe(m)}`);
    const message = m as Record<string, unknown>;
    for (const key of ["role", "content"]) {
      if (!(key in message)) throw new FieldProblem([field, i], `${name} has no "${key}"`);
      if (typeof message[key] !== "string")
        throw new FieldProblem([field, i, key], `${name}: "${key}" must be a string, got ${describe(message[key])}`);
    }
    const extra = Object.keys(message).find((k) => k !== "role" && k !== "content");
    if (extra) throw new FieldProblem([field, i, extra], `${name} has "${extra}"; a message is {role, content}`);
    const { role, content } = message as unknown as Message;
    if (!role.trim()) throw new FieldProblem([field, i, "role"], `${name}: "role" is empty`);
    if (role.length > MAX_ID_CHARS)
      throw new FieldProblem([field, i, "role"], `${name}: "role" is longer than ${MAX_ID_CHARS} characters`);
    return { role, content };
  });
}
