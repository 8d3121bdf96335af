import type { OpenApiDocument } from "./document.server.ts";

// The OpenAPI document digested for the reference page: endpoints grouped by tag, every schema written as a short
// type (`{ title: string; budget?: Amount }`) whose named parts link to the schema's own entry.

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  description?: string;
  example?: unknown;
  items?: Schema;
  prefixItems?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
};

/** A type as text, with the names of component schemas as links. */
export type TypeText = ({ text: string } | { ref: string })[];

export interface Field {
  name: string;
  type: TypeText;
  required: boolean;
  description?: string;
}

export interface Operation {
  id: string;
  method: string;
  path: string;
  summary: string;
  description?: string;
  auth: string;
  parameters: (Field & { in: string })[];
  body?: { contentTypes: string[]; type: TypeText; example?: string };
  responses: { status: string; description: string; type?: TypeText }[];
}

export interface SchemaEntry {
  name: string;
  description?: string;
  type: TypeText;
  /** The alternatives of a union, one type each. */
  variants: TypeText[];
  fields: Field[];
  example?: string;
}

export interface ApiReference {
  title: string;
  description: string;
  groups: { tag: string; description?: string; operations: Operation[] }[];
  schemas: SchemaEntry[];
}

const refName = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);

function bounds(s: Schema): string {
  const text = s.minLength !== undefined || s.maxLength !== undefined;
  const low = s.minimum ?? s.minLength;
  const high = s.maximum ?? s.maxLength;
  const unit = text ? " chars" : "";
  if (low !== undefined && high !== undefined) return ` ${low}–${high}${unit}`;
  const parts = [
    s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : low !== undefined ? `≥ ${low}` : "",
    high !== undefined ? `≤ ${high}` : "",
  ].filter(Boolean);
  return parts.length ? ` ${parts.join(", ")}${unit}` : "";
}

/** The schema as a one-line type; `top` keeps an object's fields out (they are listed as a table instead). */
export function typeText(s: Schema | undefined, top = false): TypeText {
  if (!s) return [{ text: "any" }];
  if (s.$ref) return [{ ref: refName(s.$ref) }];
  // An object's anyOf may only say which fields are required together: the fields are what describe it.
  if (s.properties) return objectText(s, top);
  const union = s.anyOf ?? s.oneOf;
  if (union)
    return join(
      union.map((u) => typeText(u)),
      " | ",
    );
  if (s.allOf)
    return join(
      s.allOf.map((u) => typeText(u)),
      " & ",
    );
  if (s.const !== undefined) return [{ text: JSON.stringify(s.const) }];
  if (s.enum) return [{ text: s.enum.map((v) => JSON.stringify(v)).join(" | ") }];
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  const parts = types.map((t): TypeText => {
    if (t === "array") {
      if (s.prefixItems)
        return [
          { text: "[" },
          ...join(
            s.prefixItems.map((i) => typeText(i)),
            ", ",
          ),
          { text: "]" },
        ];
      const item = typeText(s.items);
      const bare = item.length === 1 && ("ref" in item[0] || !item[0].text.includes(" "));
      return bare ? [...item, { text: "[]" }] : [{ text: "(" }, ...item, { text: ")[]" }];
    }
    if (t === "object") return objectText(s, top);
    if (t === "null") return [{ text: "null" }];
    return [{ text: `${t}${s.format ? ` (${s.format})` : ""}${bounds(s)}` }];
  });
  return parts.length ? join(parts, " | ") : [{ text: "any" }];
}

function objectText(s: Schema, top: boolean): TypeText {
  const props = Object.entries(s.properties ?? {});
  if (props.length === 0) {
    if (s.additionalProperties && typeof s.additionalProperties === "object")
      return [{ text: "{ [key]: " }, ...typeText(s.additionalProperties), { text: " }" }];
    return [{ text: s.additionalProperties === false ? "{}" : "object" }];
  }
  if (top) return [{ text: "object" }];
  const required = new Set(s.required ?? []);
  return [
    { text: "{ " },
    ...join(
      props.map(([name, p]) => [{ text: `${name}${required.has(name) ? "" : "?"}: ` }, ...typeText(p)]),
      "; ",
    ),
    { text: " }" },
  ];
}

function join(parts: TypeText[], separator: string): TypeText {
  return parts.flatMap((p, i) => (i === 0 ? p : [{ text: separator }, ...p]));
}

function fields(s: Schema): Field[] {
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, p]) => ({
    name,
    type: typeText(p),
    required: required.has(name),
    description: [p.description, p.default !== undefined ? `Default ${JSON.stringify(p.default)}.` : ""]
      .filter(Boolean)
      .join(" "),
  }));
}

const pretty = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v, null, 2));

const AUTH: Record<string, string> = { apiKey: "API key", premiumKey: "premium key" };

type OperationObject = {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  "x-roles"?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema; example?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Schema }> }>;
};

function operation(method: string, path: string, op: OperationObject, schemas: Record<string, Schema>): Operation {
  const schemes = (op.security ?? []).flatMap((s) => Object.keys(s)).map((k) => AUTH[k] ?? k);
  const roles = op["x-roles"];
  const content = op.requestBody?.content;
  const first = content ? Object.values(content)[0] : undefined;
  const bodySchema = first?.schema?.$ref ? schemas[refName(first.schema.$ref)] : first?.schema;
  return {
    id: `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, "-"),
    method: method.toUpperCase(),
    path,
    summary: op.summary ?? "",
    description: op.description,
    auth: schemes.length ? `${schemes.join(" or ")}${roles ? ` (${roles.join(", ")})` : ""}` : "none",
    parameters: (op.parameters ?? []).map((p) => ({
      name: p.name,
      in: p.in,
      required: Boolean(p.required),
      type: typeText(p.schema),
      description: p.description ?? p.schema?.description,
    })),
    body: content && {
      contentTypes: Object.keys(content),
      type: typeText(first?.schema),
      example: pretty(first?.example ?? bodySchema?.example),
    },
    responses: Object.entries(op.responses).map(([status, r]) => ({
      status,
      description: r.description,
      type: r.content ? typeText(Object.values(r.content)[0].schema) : undefined,
    })),
  };
}

export function apiReference(doc: OpenApiDocument): ApiReference {
  const components = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    (["get", "post", "put", "patch", "delete"] as const)
      .filter((method) => item[method])
      .map((method) => ({
        tag: item[method]!.tags?.[0] ?? "",
        op: operation(method, path, item[method] as OperationObject, components),
      })),
  );
  const schemas = Object.entries(components)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => ({
      name,
      description: s.description,
      type: typeText(s, true),
      variants: s.properties ? [] : (s.anyOf ?? s.oneOf ?? []).map((v) => typeText(v)),
      fields: fields(s),
      example: pretty(s.example),
    }));
  return {
    title: doc.info.title,
    description: doc.info.description ?? "",
    groups: (doc.tags ?? []).map((t) => ({
      tag: t.name,
      description: t.description,
      operations: operations.filter((o) => o.tag === t.name).map((o) => o.op),
    })),
    schemas,
  };
}
