import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

export const jobStatusEnum = pgEnum("job_status", ["queued", "running", "done", "failed"]);
export type JobStatus = (typeof jobStatusEnum.enumValues)[number];

/**
 * Background work (consensus runs, model training, payout epochs) claimed with SKIP LOCKED, so any number of app
 * processes can share one queue; the same table works on PGlite, where pg-boss and friends cannot run.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    /** Jobs with the same key coalesce while one is queued (e.g. one pending consensus run per project). */
    key: text("key").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    status: jobStatusEnum("status").notNull().default("queued"),
    runAt: timestamp("run_at", { withTimezone: true }).notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    progress: jsonb("progress").$type<Record<string, unknown>>(),
    result: jsonb("result").$type<Record<string, unknown>>(),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("jobs_queued_key")
      .on(t.kind, t.key)
      .where(sql`${t.status} = 'queued'`),
    index("jobs_due_idx")
      .on(t.runAt)
      .where(sql`${t.status} in ('queued', 'running')`),
    index("jobs_key_idx").on(t.kind, t.key, t.createdAt),
  ],
);

/**
 * A watermark the background workers of every app process share, e.g. the newest answer the answer sweeper has
 * seen: one process advances it at a time (its row is locked), so N processes do the work once.
 */
export const workerMarks = pgTable("worker_marks", {
  name: text("name").primaryKey(),
  value: bigint("value", { mode: "number" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
