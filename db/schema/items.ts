import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  bigint,
} from "drizzle-orm/pg-core";
import { projects, uploads } from "./projects.ts";
import { users } from "./users.ts";

/** What a labeler is shown; the shape depends on the project's task type. */
export type ItemContent =
  | { kind: "pairwise"; prompt: string; responseA: string; responseB: string }
  | { kind: "rating"; prompt: string; response: string }
  | { kind: "label"; text: string };

export const items = pgTable(
  "items",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    uploadId: uuid("upload_id").references(() => uploads.id, { onDelete: "set null" }),
    externalId: text("external_id").notNull(),
    content: jsonb("content").$type<ItemContent>().notNull(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    gold: text("gold"),
    labelsWanted: integer("labels_wanted").notNull(),
    answers: integer("answers").notNull().default(0),
    done: boolean("done").notNull().default(false),
    priority: real("priority").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("items_project_external_key").on(t.projectId, t.externalId),
    index("items_open_idx").on(t.projectId, t.priority.desc(), t.id).where(sql`not ${t.done}`),
  ],
);

export const assignmentStatusEnum = pgEnum("assignment_status", ["leased", "answered", "skipped", "flagged"]);
export const flagReasonEnum = pgEnum("flag_reason", ["unanswerable", "harmful", "broken"]);
export type FlagReason = (typeof flagReasonEnum.enumValues)[number];

export const assignments = pgTable(
  "assignments",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    itemId: bigint("item_id", { mode: "number" })
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    labelerId: uuid("labeler_id")
      .notNull()
      .references(() => users.id),
    status: assignmentStatusEnum("status").notNull().default("leased"),
    /** Pairwise only: true when response B of the item was shown on the left. */
    swapped: boolean("swapped").notNull().default(false),
    flagReason: flagReasonEnum("flag_reason"),
    leasedAt: timestamp("leased_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("assignments_item_labeler_key").on(t.itemId, t.labelerId),
    index("assignments_active_lease_idx").on(t.itemId).where(sql`${t.status} = 'leased'`),
    index("assignments_labeler_project_idx").on(t.labelerId, t.projectId, t.status),
    index("assignments_project_status_idx").on(t.projectId, t.status),
  ],
);

export const labels = pgTable(
  "labels",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    assignmentId: bigint("assignment_id", { mode: "number" })
      .notNull()
      .references(() => assignments.id),
    itemId: bigint("item_id", { mode: "number" })
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    labelerId: uuid("labeler_id")
      .notNull()
      .references(() => users.id),
    /** pairwise: a | b | tie | both_bad (in the item's own A/B terms); label: the category; rating: the integer as text. */
    value: text("value").notNull(),
    strength: smallint("strength"),
    rationale: text("rationale"),
    swapped: boolean("swapped").notNull().default(false),
    timeSpentMs: integer("time_spent_ms").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("labels_assignment_key").on(t.assignmentId),
    index("labels_project_idx").on(t.projectId, t.itemId),
    index("labels_labeler_idx").on(t.labelerId, t.createdAt),
  ],
);
