import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  check,
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
import { bytea } from "./columns.ts";
import { users } from "./identity.ts";
import { projects } from "./projects.ts";

export const epochStatusEnum = pgEnum("epoch_status", ["planned", "paid"]);
export const epochKindEnum = pgEnum("epoch_kind", ["daily", "refund"]);

/**
 * A pay period: answers given in [starts_at, ends_at) are paid in it. A refund of a closed project's unspent funds
 * is an epoch of its own (id `refund-<project id>`), paid to the requester by the same ledger and executor.
 */
export const payoutEpochs = pgTable("payout_epochs", {
  id: text("id").primaryKey(),
  kind: epochKindEnum("kind").notNull().default("daily"),
  startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
  endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
  status: epochStatusEnum("status").notNull().default("planned"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** What a labeler earned on one project in one epoch, and why: the explanation behind each payout. */
export const earnings = pgTable(
  "earnings",
  {
    epochId: text("epoch_id")
      .notNull()
      .references(() => payoutEpochs.id),
    labelerId: uuid("labeler_id")
      .notNull()
      .references(() => users.id),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    labels: integer("labels").notNull(),
    rewardPerLabel: bigint("reward_per_label", { mode: "bigint" }).notNull(),
    /** Quality weight in millionths (the labeler's quality score on the project at planning time). */
    weightPpm: integer("weight_ppm").notNull(),
    /** Before the budget cap: labels × reward × weight. */
    earned: bigint("earned", { mode: "bigint" }).notNull(),
    amount: bigint("amount", { mode: "bigint" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.epochId, t.labelerId, t.projectId] }),
    index("earnings_project_idx").on(t.projectId),
    check("earnings_amount_le_earned", sql`${t.amount} >= 0 and ${t.amount} <= ${t.earned}`),
  ],
);

export const payoutStatusEnum = pgEnum("payout_status", ["awaiting_wallet", "queued", "batched", "paid"]);

/** The ledger: one row per (epoch, labeler), written before any transaction is sent. */
export const payouts = pgTable(
  "payouts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    epochId: text("epoch_id")
      .notNull()
      .references(() => payoutEpochs.id),
    labelerId: uuid("labeler_id")
      .notNull()
      .references(() => users.id),
    amount: bigint("amount", { mode: "bigint" }).notNull(),
    status: payoutStatusEnum("status").notNull(),
    batchId: uuid("batch_id").references(() => payoutBatches.id),
    /** The Merkle root (posted on chain) that commits this row, before any transfer pays it. */
    rootId: uuid("root_id").references(() => payoutRoots.id),
    /** The address paid, fixed when the row is committed in a root (or joins a batch). */
    address: text("address"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    paidAt: timestamp("paid_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("payouts_epoch_labeler_key").on(t.epochId, t.labelerId),
    index("payouts_labeler_idx").on(t.labelerId),
    index("payouts_batch_idx").on(t.batchId),
    index("payouts_status_idx").on(t.status),
    check("payouts_amount_positive", sql`${t.amount} > 0`),
  ],
);

export const batchStatusEnum = pgEnum("batch_status", ["new", "signed", "confirmed", "failed"]);

/**
 * One on-chain transaction paying many payouts. The signed bytes and their last valid block height are stored
 * before sending, so a restart re-sends the very same transaction instead of building a second one.
 */
export const payoutBatches = pgTable(
  "payout_batches",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    status: batchStatusEnum("status").notNull().default("new"),
    signature: text("signature"),
    rawTx: bytea("raw_tx"),
    lastValidBlockHeight: bigint("last_valid_block_height", { mode: "bigint" }),
    recipients: integer("recipients").notNull(),
    total: bigint("total", { mode: "bigint" }).notNull(),
    /** Signatures of earlier builds that expired unseen, kept for audit. */
    expiredSignatures: jsonb("expired_signatures").$type<string[]>().notNull().default([]),
    feeLamports: bigint("fee_lamports", { mode: "bigint" }),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
  },
  (t) => [index("payout_batches_status_idx").on(t.status), uniqueIndex("payout_batches_signature_key").on(t.signature)],
);

/**
 * A Merkle root (RFC 6962, see reward/tokens/payouts/MERKLE.md) over payout rows of one epoch, posted on chain as a
 * memo before any of them is paid. An epoch has one root per settlement that brought rows with wallets (rows of
 * labelers who link a wallet later get a root of their own). Signed bytes are stored before sending, as batches.
 */
export const payoutRoots = pgTable(
  "payout_roots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    epochId: text("epoch_id")
      .notNull()
      .references(() => payoutEpochs.id),
    root: text("root").notNull(),
    leafCount: integer("leaf_count").notNull(),
    total: bigint("total", { mode: "bigint" }).notNull(),
    status: batchStatusEnum("status").notNull().default("new"),
    signature: text("signature"),
    rawTx: bytea("raw_tx"),
    lastValidBlockHeight: bigint("last_valid_block_height", { mode: "bigint" }),
    expiredSignatures: jsonb("expired_signatures").$type<string[]>().notNull().default([]),
    feeLamports: bigint("fee_lamports", { mode: "bigint" }),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
  },
  (t) => [
    index("payout_roots_epoch_idx").on(t.epochId),
    index("payout_roots_status_idx").on(t.status),
    uniqueIndex("payout_roots_signature_key").on(t.signature),
  ],
);

/** Address lookup tables the treasury owns on chain, reused by every payout batch. */
export const lookupTables = pgTable("lookup_tables", {
  address: text("address").primaryKey(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
