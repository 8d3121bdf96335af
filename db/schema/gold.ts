import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { projects, uploads } from "./projects.ts";

/**
 * Gold answers committed on chain before any of them is served: SHA-256(salt || canonical gold list) in a memo the
 * treasury signs, one commitment per upload (its gold items). Items of an upload are leased only once its
 * commitment's memo is finalized (`signature` set). The salt and the list are revealed when the project closes or
 * the requester asks; the canonical form is in reward/consensus/README.md.
 */
export const goldCommitments = pgTable(
  "gold_commitments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id),
    /** The upload whose gold items (the items it inserted that carry gold) this commits. */
    uploadId: uuid("upload_id")
      .notNull()
      .references(() => uploads.id),
    /** SHA-256(salt || canonical), lowercase hex. */
    commitment: text("commitment").notNull(),
    /** 32 random bytes, lowercase hex; secret until revealed. */
    salt: text("salt").notNull(),
    /** The canonical gold list (JSON text) exactly as hashed. */
    canonical: text("canonical").notNull(),
    items: bigint("items", { mode: "number" }).notNull(),
    /** The memo's transaction, set once it is finalized. */
    signature: text("signature"),
    committedAt: timestamp("committed_at", { withTimezone: true }),
    revealedAt: timestamp("revealed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("gold_commitments_project_idx").on(t.projectId),
    uniqueIndex("gold_commitments_upload_key").on(t.uploadId),
    check("gold_commitments_hex", sql`${t.commitment} ~ '^[0-9a-f]{64}$' and ${t.salt} ~ '^[0-9a-f]{64}$'`),
    check("gold_commitments_posted", sql`(${t.signature} is null) = (${t.committedAt} is null)`),
    check("gold_commitments_revealed_posted", sql`${t.revealedAt} is null or ${t.signature} is not null`),
  ],
);
