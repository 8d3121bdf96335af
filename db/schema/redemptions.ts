import { bigint, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./identity.ts";

export const redemptionStatusEnum = pgEnum("redemption_status", ["pending", "credited", "expired"]);

/** A server-issued order to burn (or return) tokens for credits; the transaction must carry its id as a memo. */
export const redemptionOrders = pgTable(
  "redemption_orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    address: text("address").notNull(),
    amount: bigint("amount", { mode: "bigint" }).notNull(),
    credits: bigint("credits", { mode: "bigint" }).notNull(),
    mode: text("mode").$type<"burn" | "transfer">().notNull(),
    status: redemptionStatusEnum("status").notNull().default("pending"),
    signature: text("signature"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    creditedAt: timestamp("credited_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("redemption_orders_signature_key").on(t.signature),
    index("redemption_orders_user_idx").on(t.userId),
  ],
);
