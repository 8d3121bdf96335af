import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./identity.ts";
import { payoutEpochs } from "./payouts.ts";
import { items, projects } from "./projects.ts";
import type { FormAnswers } from "./questions.ts";

/** How one text answer came about, as the browser saw it: pastes and typing, never the keys themselves. */
export interface TextInputSignals {
  /** Paste events into the field. */
  pastes: number;
  /** Characters that arrived by pasting. */
  pastedChars: number;
  /** Characters typed (insertions that were not pastes). */
  typedChars: number;
  /** Time between the first and the last edit of the field, in ms. */
  typingMs: number;
}

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
    /** Form items: the responses in on-screen order, as indices into the item's responses. */
    responseOrder: jsonb("response_order").$type<number[]>(),
    flagReason: flagReasonEnum("flag_reason"),
    leasedAt: timestamp("leased_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("assignments_item_labeler_key").on(t.itemId, t.labelerId),
    index("assignments_active_lease_idx")
      .on(t.itemId)
      .where(sql`${t.status} = 'leased'`),
    index("assignments_labeler_project_idx").on(t.labelerId, t.projectId, t.status),
    index("assignments_project_status_idx").on(t.projectId, t.status),
  ],
);

/**
 * An answer's review: pending until a requester (or reviewer) approves or rejects it, or until the project's
 * approval delay passes (then it counts as approved from that moment, reviewed or not).
 */
export const reviewStatusEnum = pgEnum("review_status", ["pending", "approved", "rejected"]);
export type ReviewStatus = (typeof reviewStatusEnum.enumValues)[number];
export const rejectionReasonEnum = pgEnum("rejection_reason", [
  "incorrect",
  "ignored_instructions",
  "low_effort",
  "machine_written",
  "other",
]);
export type RejectionReason = (typeof rejectionReasonEnum.enumValues)[number];

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
    /** Form projects (value "form"): each question's answer in the item's own terms. */
    answers: jsonb("answers").$type<FormAnswers>(),
    strength: smallint("strength"),
    rationale: text("rationale"),
    swapped: boolean("swapped").notNull().default(false),
    timeSpentMs: integer("time_spent_ms").notNull(),
    /** How each free-text answer was written (by question name; "rationale" for the fixed shapes), no content. */
    inputSignals: jsonb("input_signals").$type<Record<string, TextInputSignals>>(),
    reviewStatus: reviewStatusEnum("review_status").notNull().default("pending"),
    /** When it was approved or rejected by a person (or decided on appeal); null while pending. */
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    reviewerId: uuid("reviewer_id").references(() => users.id),
    rejectionReason: rejectionReasonEnum("rejection_reason"),
    reviewNote: text("review_note"),
    /** The payout epoch that paid it: each approved answer is counted by exactly one epoch. */
    paidEpochId: text("paid_epoch_id").references(() => payoutEpochs.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("labels_assignment_key").on(t.assignmentId),
    index("labels_unpaid_idx")
      .on(t.projectId)
      .where(sql`${t.paidEpochId} is null`),
    index("labels_project_idx").on(t.projectId, t.itemId),
    index("labels_labeler_idx").on(t.labelerId, t.createdAt),
  ],
);

/**
 * How many of a project's answers no payout has paid yet (labels with no paid_epoch_id), kept by triggers on labels
 * (migration 0014) and spread over `shard` (the label id modulo 16) so concurrent answers do not queue on one row.
 * Leasing reads this as a cheap upper bound of what the project may still owe before counting exactly.
 */
export const projectUnpaidAnswers = pgTable(
  "project_unpaid_answers",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    shard: smallint("shard").notNull(),
    answers: bigint("answers", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.shard] })],
);
