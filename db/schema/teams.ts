import { bigserial, index, jsonb, pgEnum, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { users } from "./identity.ts";
import { projects } from "./projects.ts";

/** A requester's team: a co-owner acts as the owner on the projects shared; a reviewer reviews and exports. */
export const memberRoleEnum = pgEnum("member_role", ["co_owner", "reviewer"]);
export type MemberRole = (typeof memberRoleEnum.enumValues)[number];

/** A user admitted to one of an owner's projects, or (projectId null) to all of them. */
export const projectMembers = pgTable(
  "project_members",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** The requester whose project(s) these are. */
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    role: memberRoleEnum("role").notNull(),
    invitedBy: uuid("invited_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("project_members_key").on(t.ownerId, t.userId, t.projectId).nullsNotDistinct(),
    index("project_members_user_idx").on(t.userId),
  ],
);

/** An invitation by email address: a link with a secret token (stored hashed) that expires. */
export const projectInvitations = pgTable(
  "project_invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** SHA-256 of the link's token, hex; the token itself is only in the link. */
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email").notNull(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "cascade" }),
    role: memberRoleEnum("role").notNull(),
    invitedBy: uuid("invited_by")
      .notNull()
      .references(() => users.id),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedBy: uuid("accepted_by").references(() => users.id),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("project_invitations_owner_idx").on(t.ownerId)],
);

/** Who did what on a project (or on all of an owner's projects): uploads, settings, reviews, exports, funds, team. */
export const projectAuditLog = pgTable(
  "project_audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "cascade" }),
    actorId: uuid("actor_id")
      .notNull()
      .references(() => users.id),
    action: text("action").notNull(),
    details: jsonb("details").$type<Record<string, unknown>>(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("project_audit_log_project_idx").on(t.projectId, t.at.desc()),
    index("project_audit_log_owner_idx").on(t.ownerId, t.at.desc()),
  ],
);
