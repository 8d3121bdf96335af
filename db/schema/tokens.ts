import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { projects } from "./projects.ts";
import { users } from "./users.ts";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array | Buffer }>({
  dataType: () => "bytea",
  fromDriver: (v) => new Uint8Array(v),
});

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
    uniqueIndex("wallet_links_current_address_key").on(t.address).where(sql`${t.replacedAt} is null`),
    uniqueIndex("wallet_links_current_user_key").on(t.userId).where(sql`${t.replacedAt} is null`),
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

export const epochStatusEnum = pgEnum("epoch_status", ["planned", "paid"]);

/** A pay period: answers given in [starts_at, ends_at) are paid in it. */
export const payoutEpochs = pgTable("payout_epochs", {
  id: text("id").primaryKey(),
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
    /** The address paid, fixed when the payout joins a batch. */
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
  (t) => [uniqueIndex("redemption_orders_signature_key").on(t.signature), index("redemption_orders_user_idx").on(t.userId)],
);

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
    uniqueIndex("credit_ledger_redemption_key").on(t.ref).where(sql`${t.reason} = 'redemption'`),
  ],
);

export const creditBalances = pgTable(
  "credit_balances",
  {
    userId: uuid("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    balance: bigint("balance", { mode: "bigint" }).notNull().default(sql`0`),
  },
  (t) => [check("credit_balances_non_negative", sql`${t.balance} >= 0`)],
);

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
    uniqueIndex("reward_models_published_key").on(t.projectId).where(sql`${t.publishedAt} is not null`),
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

/** Address lookup tables the treasury owns on chain, reused by every payout batch. */
export const lookupTables = pgTable("lookup_tables", {
  address: text("address").primaryKey(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
