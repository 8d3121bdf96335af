import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./identity.ts";
import { projects } from "./projects.ts";
import type { FormAnswers, FormContent, Question } from "./questions.ts";

/**
 * A requester's qualification test (MTurk's qualification type, Toloka's training pool): items with known answers,
 * asked with a form of questions of any type; a labeler passes with at least `passMark` of the items right.
 */
export const qualificationTests = pgTable(
  "qualification_tests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    title: text("title").notNull(),
    instructions: text("instructions").notNull().default(""),
    /** The questions asked about each test item (the same form types as a project's). */
    questions: jsonb("questions").$type<Question[]>().notNull(),
    /** Share of items (0–1) a labeler must get right to pass. */
    passMark: real("pass_mark").notNull(),
    maxAttempts: integer("max_attempts").notNull().default(2),
    /** Hours a labeler waits after a failed attempt before the next one. */
    retryAfterHours: integer("retry_after_hours").notNull().default(24),
    /** Days a pass is valid for; null: it never expires. */
    validDays: integer("valid_days"),
    /** Whether a labeler sees the known answers of the items they got wrong (off keeps the test reusable). */
    showAnswers: boolean("show_answers").notNull().default(true),
    /** Paid per finished attempt, in base units, from the funds of the project the labeler took it for; 0: unpaid. */
    rewardPerAttempt: bigint("reward_per_attempt", { mode: "bigint" })
      .notNull()
      .default(sql`0`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("qualification_tests_owner_idx").on(t.ownerId),
    check("qualification_tests_pass_mark", sql`${t.passMark} > 0 and ${t.passMark} <= 1`),
    check("qualification_tests_attempts", sql`${t.maxAttempts} >= 1 and ${t.retryAfterHours} >= 0`),
    check("qualification_tests_reward", sql`${t.rewardPerAttempt} >= 0`),
  ],
);

/** One item of a test, with its known answers (item terms, by question name) and why they are right. */
export const qualificationItems = pgTable(
  "qualification_items",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    testId: uuid("test_id")
      .notNull()
      .references(() => qualificationTests.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    content: jsonb("content").$type<FormContent>().notNull(),
    /** The known answers; only the questions named here are marked. */
    answers: jsonb("answers").$type<FormAnswers>().notNull(),
    explanation: text("explanation"),
  },
  (t) => [uniqueIndex("qualification_items_test_position_key").on(t.testId, t.position)],
);

/** What a labeler answered to one test item in an attempt, and whether it matched the known answers. */
export interface AttemptAnswer {
  itemId: number;
  answers: FormAnswers;
  correct: boolean;
}

/** One labeler's attempt at a test: started, then finished with a score (answers never count for any project). */
export const qualificationAttempts = pgTable(
  "qualification_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    testId: uuid("test_id")
      .notNull()
      .references(() => qualificationTests.id, { onDelete: "cascade" }),
    labelerId: uuid("labeler_id")
      .notNull()
      .references(() => users.id),
    /** The project the labeler took it for (pays a paid test); null when taken from the test's own page. */
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "set null" }),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    answers: jsonb("answers").$type<AttemptAnswer[]>(),
    correct: integer("correct"),
    total: integer("total"),
    passed: boolean("passed"),
    /** When a pass stops counting (the test's validDays after finishing); null: never, or not passed. */
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [
    index("qualification_attempts_labeler_idx").on(t.labelerId, t.testId, t.startedAt),
    // At most one unfinished attempt per labeler and test.
    uniqueIndex("qualification_attempts_open_key")
      .on(t.testId, t.labelerId)
      .where(sql`${t.finishedAt} is null`),
  ],
);

/** The tests a project requires: a labeler is leased its tasks only while holding a valid pass of each. */
export const projectQualifications = pgTable(
  "project_qualifications",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    testId: uuid("test_id")
      .notNull()
      .references(() => qualificationTests.id),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.testId] }), index("project_qualifications_test_idx").on(t.testId)],
);
