import { sql } from "drizzle-orm";
import { bigserial, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./identity.ts";

/** Every address an account has linked; the current one has no replaced_at. */
export const walletLinks = pgTable(
  "wallet_links",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    address: text("address").notNull(),
    linkedAt: timestamp("linked_at", { withTimezone: true }).notNull().defaultNow(),
    replacedAt: timestamp("replaced_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("wallet_links_current_address_key")
      .on(t.address)
      .where(sql`${t.replacedAt} is null`),
    uniqueIndex("wallet_links_current_user_key")
      .on(t.userId)
      .where(sql`${t.replacedAt} is null`),
    index("wallet_links_address_idx").on(t.address),
  ],
);

/** Sign-In-With-Solana challenges: single use, short-lived. */
export const walletNonces = pgTable("wallet_nonces", {
  nonce: text("nonce").primaryKey(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  address: text("address").notNull(),
  message: text("message").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
});
