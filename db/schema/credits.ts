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

export const creditReasonEnum = pgEnum("credit_reason", ["redemption", "grant", "api_call", "refund"]);

/** Premium AI credits: every change is a row; balances are sums (credit_balances caches them under a check). */
export const creditLedger = pgTable(
  "credit_ledger",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    delta: bigint("delta", { mode: "bigint" }).notNull(),
    reason: creditReasonEnum("reason").notNull(),
    /** The redemption signature, the granting admin, or the API call. Unique for redemptions. */
    ref: text("ref").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("credit_ledger_user_idx").on(t.userId, t.createdAt),
    uniqueIndex("credit_ledger_redemption_key")
      .on(t.ref)
      .where(sql`${t.reason} = 'redemption'`),
  ],
);

export const creditBalances = pgTable(
  "credit_balances",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    balance: bigint("balance", { mode: "bigint" })
      .notNull()
      .default(sql`0`),
  },
  (t) => [check("credit_balances_non_negative", sql`${t.balance} >= 0`)],
);
