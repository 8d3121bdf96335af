import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { items, projects } from "./projects.ts";

export const generationStatusEnum = pgEnum("generation_status", ["queued", "running", "done", "failed"]);
export type GenerationStatus = (typeof generationStatusEnum.enumValues)[number];

/**
 * A requester's run that fills the project's items awaiting responses from the upstream LLM: `n` responses per item,
 * response i written by models[i % models.length]. At most one is queued or running per project.
 */
export const responseGenerations = pgTable(
  "response_generations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    models: jsonb("models").$type<string[]>().notNull(),
    n: integer("n").notNull(),
    temperature: doublePrecision("temperature").notNull(),
    status: generationStatusEnum("status").notNull().default("queued"),
    /** Items this generation covers: those it filled or failed, and those still waiting when it last started. */
    itemsTotal: integer("items_total").notNull().default(0),
    itemsDone: integer("items_done").notNull().default(0),
    itemsFailed: integer("items_failed").notNull().default(0),
    /** Why the whole generation failed (per-item failures are in generation_errors). */
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("response_generations_active_key")
      .on(t.projectId)
      .where(sql`${t.status} in ('queued', 'running')`),
    index("response_generations_project_idx").on(t.projectId, t.createdAt),
    check("response_generations_n", sql`${t.n} between 1 and 9`),
    check("response_generations_temperature", sql`${t.temperature} between 0 and 2`),
  ],
);

/** An item a generation gave up on, after `attempts` upstream requests; the item keeps waiting for a later run. */
export const generationErrors = pgTable(
  "generation_errors",
  {
    generationId: uuid("generation_id")
      .notNull()
      .references(() => responseGenerations.id, { onDelete: "cascade" }),
    itemId: bigint("item_id", { mode: "number" })
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    message: text("message").notNull(),
    attempts: integer("attempts").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.generationId, t.itemId] })],
);
