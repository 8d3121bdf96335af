import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./identity.ts";
import type { FormContent, Question } from "./questions.ts";

/** "form": the project asks its own questions (projects.questions); the others are the original fixed shapes. */
export const taskTypeEnum = pgEnum("task_type", ["pairwise", "rating", "label", "form"]);
export type TaskType = (typeof taskTypeEnum.enumValues)[number];

/** Public: any labeler; private: only labelers its requester invited, or who hold a pass of one of its tests. */
export const projectVisibilityEnum = pgEnum("project_visibility", ["public", "private"]);
export type ProjectVisibility = (typeof projectVisibilityEnum.enumValues)[number];

export const projects = pgTable(
  "projects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    title: text("title").notNull(),
    instructions: text("instructions").notNull().default(""),
    taskType: taskTypeEnum("task_type").notNull(),
    labelsPerItem: integer("labels_per_item").notNull().default(3),
    rewardPerLabel: bigint("reward_per_label", { mode: "bigint" }).notNull(),
    budget: bigint("budget", { mode: "bigint" }).notNull(),
    categories: jsonb("categories").$type<string[]>(),
    ratingMin: integer("rating_min"),
    ratingMax: integer("rating_max"),
    /** The form of a "form" project, in the order shown; null for the fixed shapes. */
    questions: jsonb("questions").$type<Question[]>(),
    leaseSeconds: integer("lease_seconds").notNull().default(600),
    paused: boolean("paused").notNull().default(false),
    /** Labelers whose quality falls below this (after enough answers) are paused on the project; null: never. */
    qualityThreshold: real("quality_threshold").default(0.3),
    /** Labelers must have at least this quality on the owner's earlier projects (where scored); null: no minimum. */
    minPriorQuality: real("min_prior_quality"),
    visibility: projectVisibilityEnum("visibility").notNull().default("public"),
    /** Hours after which an answer nobody reviewed is approved (MTurk's AutoApprovalDelay); 0: approved at once. */
    approvalDelayHours: integer("approval_delay_hours").notNull().default(72),
    /** Closed by the requester: no more tasks are served, and the unspent funds were refunded. */
    closedAt: timestamp("closed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("projects_owner_idx").on(t.ownerId),
    check("projects_approval_delay", sql`${t.approvalDelayHours} between 0 and 720`),
  ],
);

export const uploads = pgTable(
  "uploads",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    filename: text("filename").notNull(),
    format: text("format").notNull(),
    sha256: text("sha256").notNull(),
    bytes: bigint("bytes", { mode: "number" }).notNull(),
    rows: integer("rows").notNull(),
    inserted: integer("inserted").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("uploads_project_idx").on(t.projectId)],
);

/** What a labeler is shown; the shape depends on the project's task type. */
export type ItemContent =
  | { kind: "pairwise"; prompt: string; responseA: string; responseB: string }
  | { kind: "rating"; prompt: string; response: string }
  | { kind: "label"; text: string }
  | FormContent;

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
    /** Fixed shapes: the gold answer; form items: a JSON object of gold answers by question name (item terms). */
    gold: text("gold"),
    /** A form item uploaded without responses, waiting for the platform to generate them; not served meanwhile. */
    awaitingResponses: boolean("awaiting_responses").notNull().default(false),
    labelsWanted: integer("labels_wanted").notNull(),
    answers: integer("answers").notNull().default(0),
    done: boolean("done").notNull().default(false),
    priority: real("priority").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("items_project_external_key").on(t.projectId, t.externalId),
    index("items_open_idx")
      .on(t.projectId, t.priority.desc(), t.id)
      .where(sql`not ${t.done} and not ${t.awaitingResponses}`),
    // Gold items by upload: what a gold commitment covers (db/queries/gold.ts).
    index("items_gold_upload_idx")
      .on(t.uploadId)
      .where(sql`${t.gold} is not null`),
  ],
);

/** The labelers a private project admits by invitation, by email address (lowercase; they may sign up later). */
export const projectLabelers = pgTable(
  "project_labelers",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    invitedBy: uuid("invited_by")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.email] }),
    check("project_labelers_email_lowercase", sql`${t.email} = lower(${t.email})`),
  ],
);
