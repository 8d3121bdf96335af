import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./identity.ts";
import { items, projects } from "./projects.ts";
import type { QuestionConsensus } from "./questions.ts";

/** The latest consensus per item: the answer the crowd most likely means, and how sure the model is. */
export const itemConsensus = pgTable(
  "item_consensus",
  {
    itemId: bigint("item_id", { mode: "number" })
      .primaryKey()
      .references(() => items.id, { onDelete: "cascade" }),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    label: text("label").notNull(),
    confidence: real("confidence").notNull(),
    /** labels/ratings: posterior per class; pairwise: probability that A is better, and both responses' scores. */
    detail: jsonb("detail").$type<Record<string, number>>().notNull(),
    answers: integer("answers").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("item_consensus_project_confidence_idx").on(t.projectId, t.confidence)],
);

export type QualityFlagName = "adversarial" | "constant" | "random" | "position-bias";

/** A labeler's standing on one project, recomputed with each consensus run. */
export const labelerQuality = pgTable(
  "labeler_quality",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    labelerId: uuid("labeler_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    quality: real("quality").notNull(),
    /** The score before the latest run, to tell the labeler when it falls. */
    previousQuality: real("previous_quality"),
    answers: integer("answers").notNull(),
    /** Share of their answers that match the consensus, and what chance alone would give. */
    agreement: real("agreement").notNull(),
    chance: real("chance").notNull(),
    goldAnswered: integer("gold_answered").notNull().default(0),
    goldCorrect: integer("gold_correct").notNull().default(0),
    medianMs: integer("median_ms"),
    /** Pairwise only: share of picks that were the left-hand response, and the fitted position bias. */
    leftShare: real("left_share"),
    positionBias: real("position_bias"),
    flags: jsonb("flags").$type<QualityFlagName[]>().notNull().default([]),
    pausedAt: timestamp("paused_at", { withTimezone: true }),
    pausedReason: text("paused_reason"),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.labelerId] }), index("labeler_quality_labeler_idx").on(t.labelerId)],
);

/** One consensus computation; the series gives agreement over time. */
export const consensusRuns = pgTable(
  "consensus_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    method: text("method").notNull(),
    lastLabelId: bigint("last_label_id", { mode: "number" }).notNull(),
    answers: integer("answers").notNull(),
    items: integer("items").notNull(),
    labelers: integer("labelers").notNull(),
    krippendorffAlpha: real("krippendorff_alpha"),
    fleissKappa: real("fleiss_kappa"),
    meanConfidence: real("mean_confidence"),
    /** Counts of items per confidence bin: bins[i] covers [i/10, (i+1)/10). */
    confidenceBins: jsonb("confidence_bins").$type<number[]>().notNull(),
    durationMs: integer("duration_ms").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("consensus_runs_project_idx").on(t.projectId, t.createdAt)],
);

/** Form projects: the consensus of each question of an item (text questions have none). */
export const questionConsensus = pgTable(
  "question_consensus",
  {
    itemId: bigint("item_id", { mode: "number" })
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    question: text("question").notNull(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    result: jsonb("result").$type<QuestionConsensus>().notNull(),
    confidence: real("confidence").notNull(),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.question] }), index("question_consensus_project_idx").on(t.projectId)],
);
