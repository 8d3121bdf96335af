import { sql } from "drizzle-orm";
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { projects } from "./projects.ts";

export const modelStatusEnum = pgEnum("model_status", ["queued", "training", "ready", "failed"]);

/** Reward models trained on a project's preferences, versioned per project. */
export const rewardModels = pgTable(
  "reward_models",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    status: modelStatusEnum("status").notNull().default("queued"),
    /** Where the model directory lives (model.onnx + metadata.json). */
    dir: text("dir"),
    pairs: integer("pairs"),
    metrics: jsonb("metrics").$type<Record<string, unknown>>(),
    progress: jsonb("progress").$type<Record<string, unknown>>(),
    error: text("error"),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    trainedAt: timestamp("trained_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("reward_models_project_version_key").on(t.projectId, t.version),
    uniqueIndex("reward_models_published_key")
      .on(t.projectId)
      .where(sql`${t.publishedAt} is not null`),
  ],
);

/** Model–consensus agreement measured after each consensus run on a project with a published model. */
export const modelAgreement = pgTable(
  "model_agreement",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    modelId: uuid("model_id")
      .notNull()
      .references(() => rewardModels.id, { onDelete: "cascade" }),
    agreement: real("agreement").notNull(),
    items: integer("items").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("model_agreement_model_idx").on(t.modelId, t.createdAt)],
);
