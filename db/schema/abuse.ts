import {
  bigserial,
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
import { users } from "./identity.ts";
import { projects } from "./projects.ts";

export const abuseKindEnum = pgEnum("abuse_kind", ["too_fast", "one_sided_streak", "shared_device", "shared_wallet"]);
export type AbuseKind = (typeof abuseKindEnum.enumValues)[number];

/** Suspicious behaviour for admins to review; one row per (labeler, kind, scope), refreshed as evidence changes. */
export const abuseSignals = pgTable(
  "abuse_signals",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: abuseKindEnum("kind").notNull(),
    /** The project for answer-pattern signals, the shared fingerprint or address for duplicate accounts. */
    scope: text("scope").notNull(),
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "cascade" }),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull(),
    detectedAt: timestamp("detected_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("abuse_signals_key").on(t.userId, t.kind, t.scope),
    index("abuse_signals_recent_idx").on(t.detectedAt),
  ],
);

/**
 * Where a device identifier came from: `server`, the random id in the signed pw_device cookie the server issued
 * (the only kind that raises shared-device signals); `hint`, whatever the client said about itself (the
 * X-Device-Fingerprint header, or a value from before the server issued cookies): unverified, kept on the
 * account that sent it and never compared across accounts.
 */
export type DeviceSource = "server" | "hint";

/** Device identifiers seen per account. */
export const userDevices = pgTable(
  "user_devices",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    source: text("source").$type<DeviceSource>().notNull().default("hint"),
    fingerprint: text("fingerprint").notNull(),
    firstSeen: timestamp("first_seen", { withTimezone: true }).notNull().defaultNow(),
    lastSeen: timestamp("last_seen", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.source, t.fingerprint] }),
    index("user_devices_fingerprint_idx").on(t.fingerprint),
  ],
);

/**
 * Rate-limit counters, shared by every app process: one row per (key, window), its points bumped atomically by an
 * upsert; windows that have ended are pruned.
 */
export const rateLimitCounters = pgTable(
  "rate_limit_counters",
  {
    key: text("key").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    points: integer("points").notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index("rate_limit_counters_window_idx").on(t.windowStart)],
);
