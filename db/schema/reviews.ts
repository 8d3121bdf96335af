import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  check,
  index,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./identity.ts";
import { labels } from "./labeling.ts";
import { payoutEpochs } from "./payouts.ts";
import { projects } from "./projects.ts";
import { qualificationAttempts } from "./qualifications.ts";

export const appealDecisionEnum = pgEnum("appeal_decision", ["upheld", "overturned"]);
export type AppealDecision = (typeof appealDecisionEnum.enumValues)[number];

/** A labeler's one appeal of a rejected answer; the requester's decision is final. */
export const answerAppeals = pgTable(
  "answer_appeals",
  {
    labelId: bigint("label_id", { mode: "number" })
      .primaryKey()
      .references(() => labels.id, { onDelete: "cascade" }),
    labelerId: uuid("labeler_id")
      .notNull()
      .references(() => users.id),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    message: text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** upheld: the rejection stands; overturned: the answer is approved (and paid in the next payout). */
    decision: appealDecisionEnum("decision"),
    decisionNote: text("decision_note"),
    decidedBy: uuid("decided_by").references(() => users.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [
    index("answer_appeals_project_idx").on(t.projectId, t.decidedAt),
    index("answer_appeals_labeler_idx").on(t.labelerId),
  ],
);

export const bonusKindEnum = pgEnum("bonus_kind", ["bonus", "qualification_test"]);
export type BonusKind = (typeof bonusKindEnum.enumValues)[number];

/**
 * An amount a project pays a labeler beyond their answers: a requester's bonus, or a paid qualification test's
 * attempt. Committed against the project's funds when written, then paid by the next payout epoch's ledger row for
 * the labeler (and so under that epoch's Merkle root), exactly once.
 */
export const bonuses = pgTable(
  "bonuses",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    labelerId: uuid("labeler_id")
      .notNull()
      .references(() => users.id),
    kind: bonusKindEnum("kind").notNull().default("bonus"),
    amount: bigint("amount", { mode: "bigint" }).notNull(),
    reason: text("reason").notNull(),
    /** The paid attempt (kind qualification_test): an attempt is paid once. */
    attemptId: bigint("attempt_id", { mode: "number" }).references(() => qualificationAttempts.id),
    /** The client's key for one bonus request: sending it again pays nothing twice. */
    idempotencyKey: text("idempotency_key"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    paidEpochId: text("paid_epoch_id").references(() => payoutEpochs.id),
  },
  (t) => [
    index("bonuses_labeler_idx").on(t.labelerId, t.createdAt),
    index("bonuses_project_idx").on(t.projectId),
    index("bonuses_unpaid_idx")
      .on(t.createdAt)
      .where(sql`${t.paidEpochId} is null`),
    uniqueIndex("bonuses_attempt_key").on(t.attemptId),
    uniqueIndex("bonuses_request_key").on(t.projectId, t.idempotencyKey, t.labelerId),
    check("bonuses_amount_positive", sql`${t.amount} > 0`),
  ],
);
