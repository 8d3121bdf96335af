import type { JsonPath } from "./json-column.ts";

/** Why one row cannot be stored; `at` is the value it is about, its first step the row's field (CSV: its column). */
export class FieldProblem extends Error {
  readonly at: JsonPath;
  constructor(at: JsonPath | string, message: string) {
    super(message);
    this.at = typeof at === "string" ? [at] : at;
  }
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}
