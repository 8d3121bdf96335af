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
import { projects } from "./projects.ts";

export const fundKindEnum = pgEnum("fund_kind", ["deposit", "admin_credit", "refund"]);
export type FundKind = (typeof fundKindEnum.enumValues)[number];

/**
 * Every change of a project's funds, as a ledger: deposits verified on chain, fundings an admin recorded with a
 * reason, refunds of the unspent rest. A project's funded balance is the sum; nothing is ever edited.
 */
export const projectFunds = pgTable(
  "project_funds",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    kind: fundKindEnum("kind").notNull(),
    /** Base units: positive money in (deposit, admin_credit), negative money out (refund). */
    amount: bigint("amount", { mode: "bigint" }).notNull(),
    /** A deposit's verified transaction; unique, so one transfer funds once. */
    signature: text("signature"),
    depositOrderId: uuid("deposit_order_id").references(() => depositOrders.id),
    reason: text("reason"),
    actorId: uuid("actor_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("project_funds_project_idx").on(t.projectId),
    uniqueIndex("project_funds_signature_key").on(t.signature),
    uniqueIndex("project_funds_order_key").on(t.depositOrderId),
    check(
      "project_funds_sign",
      sql`(${t.kind} = 'refund' and ${t.amount} < 0) or (${t.kind} <> 'refund' and ${t.amount} > 0)`,
    ),
    check("project_funds_deposit_signed", sql`${t.kind} <> 'deposit' or ${t.signature} is not null`),
    check("project_funds_admin_reason", sql`${t.kind} <> 'admin_credit' or length(${t.reason}) > 0`),
  ],
);

export const depositStatusEnum = pgEnum("deposit_status", ["pending", "funded"]);

/** A server-issued order to transfer tokens to the treasury for a project; the transaction carries its id as a memo. */
export const depositOrders = pgTable(
  "deposit_orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    /** The wallet that must sign the transfer (the requester's linked wallet when the order was made). */
    address: text("address").notNull(),
    amount: bigint("amount", { mode: "bigint" }).notNull(),
    status: depositStatusEnum("status").notNull().default("pending"),
    signature: text("signature"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    fundedAt: timestamp("funded_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("deposit_orders_signature_key").on(t.signature),
    index("deposit_orders_project_idx").on(t.projectId),
    check("deposit_orders_amount_positive", sql`${t.amount} > 0`),
  ],
);
