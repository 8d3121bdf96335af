import { and, desc, eq, gt, gte, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DomainError } from "../errors.ts";
import {
  projectAuditLog,
  projectInvitations,
  projectMembers,
  projects,
  users,
  type MemberRole,
} from "../schema/index.ts";

export type ProjectMember = typeof projectMembers.$inferSelect;
export type ProjectInvitation = typeof projectInvitations.$inferSelect;

/**
 * The user's member role on one of the owner's projects: a row for that project wins over one for all of the
 * owner's projects; null when the user is on neither.
 */
export async function findMemberRole(
  db: Db,
  params: { ownerId: string; projectId: string; userId: string },
): Promise<MemberRole | null> {
  const [row] = await db
    .select({ role: projectMembers.role })
    .from(projectMembers)
    .where(
      and(
        eq(projectMembers.ownerId, params.ownerId),
        eq(projectMembers.userId, params.userId),
        or(eq(projectMembers.projectId, params.projectId), isNull(projectMembers.projectId)),
      ),
    )
    .orderBy(sql`${projectMembers.projectId} nulls last`)
    .limit(1);
  return row?.role ?? null;
}

/** The members that reach this project (its own rows and the owner's all-projects rows), with who they are. */
export async function listProjectMembers(db: Db, params: { ownerId: string; projectId: string }) {
  return db
    .select({
      id: projectMembers.id,
      userId: projectMembers.userId,
      name: users.name,
      email: users.email,
      role: projectMembers.role,
      allProjects: sql<boolean>`${projectMembers.projectId} is null`,
      createdAt: projectMembers.createdAt,
    })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(
      and(
        eq(projectMembers.ownerId, params.ownerId),
        or(eq(projectMembers.projectId, params.projectId), isNull(projectMembers.projectId)),
      ),
    )
    .orderBy(projectMembers.createdAt, projectMembers.id)
    .limit(200);
}

/** Invitations to this project (or to all the owner's projects) not yet accepted, revoked or expired. */
export async function listPendingInvitations(db: Db, params: { ownerId: string; projectId: string; now?: Date }) {
  return db
    .select({
      id: projectInvitations.id,
      email: projectInvitations.email,
      role: projectInvitations.role,
      allProjects: sql<boolean>`${projectInvitations.projectId} is null`,
      expiresAt: projectInvitations.expiresAt,
      createdAt: projectInvitations.createdAt,
    })
    .from(projectInvitations)
    .where(
      and(
        eq(projectInvitations.ownerId, params.ownerId),
        or(eq(projectInvitations.projectId, params.projectId), isNull(projectInvitations.projectId)),
        isNull(projectInvitations.acceptedAt),
        isNull(projectInvitations.revokedAt),
        gt(projectInvitations.expiresAt, params.now ?? new Date()),
      ),
    )
    .orderBy(desc(projectInvitations.createdAt))
    .limit(200);
}

export async function createInvitation(
  db: Db,
  params: {
    tokenHash: string;
    email: string;
    ownerId: string;
    projectId: string | null;
    role: MemberRole;
    invitedBy: string;
    expiresAt: Date;
  },
): Promise<ProjectInvitation> {
  const [row] = await db.insert(projectInvitations).values(params).returning();
  return row;
}

/** The invitation of this token hash, with the owner's name and the project's title (null for all projects). */
export async function findInvitation(db: Db, tokenHash: string) {
  const [row] = await db
    .select({
      invitation: projectInvitations,
      ownerName: users.name,
      projectTitle: projects.title,
    })
    .from(projectInvitations)
    .innerJoin(users, eq(users.id, projectInvitations.ownerId))
    .leftJoin(projects, eq(projects.id, projectInvitations.projectId))
    .where(eq(projectInvitations.tokenHash, tokenHash));
  return row ?? null;
}

/**
 * Accepts an invitation, in one transaction: the token's hash must match an invitation that is not expired, revoked
 * or accepted, sent to the accepting user's email (case-insensitive); the user becomes a member with its role (an
 * earlier membership of the same scope takes the new role). Refusals are DomainErrors with stable codes.
 */
export async function acceptInvitation(
  db: Db,
  params: { tokenHash: string; userId: string; userEmail: string; now?: Date },
): Promise<{ invitation: ProjectInvitation; member: ProjectMember }> {
  const now = params.now ?? new Date();
  return db.transaction(async (tx) => {
    const [invitation] = await tx
      .select()
      .from(projectInvitations)
      .where(eq(projectInvitations.tokenHash, params.tokenHash))
      .for("update");
    if (!invitation) throw new DomainError("invitation_not_found", "This invitation link is not valid.");
    if (invitation.acceptedAt) throw new DomainError("invitation_used", "This invitation was accepted already.");
    if (invitation.revokedAt) throw new DomainError("invitation_revoked", "This invitation was withdrawn.");
    if (invitation.expiresAt <= now)
      throw new DomainError("invitation_expired", "This invitation has expired; ask for a new one.");
    if (invitation.email.toLowerCase() !== params.userEmail.toLowerCase())
      throw new DomainError(
        "invitation_wrong_account",
        "This invitation was sent to another email address; sign in with that account to accept it.",
      );
    if (invitation.ownerId === params.userId)
      throw new DomainError("invitation_own", "You own these projects already.");
    await tx
      .update(projectInvitations)
      .set({ acceptedAt: now, acceptedBy: params.userId })
      .where(eq(projectInvitations.id, invitation.id));
    const [member] = await tx
      .insert(projectMembers)
      .values({
        ownerId: invitation.ownerId,
        projectId: invitation.projectId,
        userId: params.userId,
        role: invitation.role,
        invitedBy: invitation.invitedBy,
      })
      .onConflictDoUpdate({
        target: [projectMembers.ownerId, projectMembers.userId, projectMembers.projectId],
        set: { role: invitation.role, invitedBy: invitation.invitedBy },
      })
      .returning();
    return { invitation: { ...invitation, acceptedAt: now, acceptedBy: params.userId }, member };
  });
}

/** Withdraws a pending invitation of this owner; the revoked row, or null when there was none to revoke. */
export async function revokeInvitation(db: Db, params: { ownerId: string; invitationId: string }) {
  const [row] = await db
    .update(projectInvitations)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(projectInvitations.id, params.invitationId),
        eq(projectInvitations.ownerId, params.ownerId),
        isNull(projectInvitations.acceptedAt),
        isNull(projectInvitations.revokedAt),
      ),
    )
    .returning();
  return row ?? null;
}

/** Removes one of this owner's members; the removed row, or null. */
export async function removeMember(db: Db, params: { ownerId: string; memberId: number }) {
  const [row] = await db
    .delete(projectMembers)
    .where(and(eq(projectMembers.id, params.memberId), eq(projectMembers.ownerId, params.ownerId)))
    .returning();
  return row ?? null;
}

/** Changes the role of one of this owner's members; the updated row, or null. */
export async function changeMemberRole(db: Db, params: { ownerId: string; memberId: number; role: MemberRole }) {
  const [row] = await db
    .update(projectMembers)
    .set({ role: params.role })
    .where(and(eq(projectMembers.id, params.memberId), eq(projectMembers.ownerId, params.ownerId)))
    .returning();
  return row ?? null;
}

export async function insertAuditEntry(
  db: Db,
  params: {
    ownerId: string;
    projectId: string | null;
    actorId: string;
    action: string;
    details?: Record<string, unknown>;
  },
) {
  const [row] = await db
    .insert(projectAuditLog)
    .values({ ...params, details: params.details ?? null })
    .returning();
  return row;
}

export const AUDIT_PAGE_MAX = 100;

/**
 * The project's audit log, latest first: its own entries and the owner's all-projects ones (team changes of that
 * scope). Paged by id (`before`: the last id of the previous page); at most AUDIT_PAGE_MAX a page.
 */
export async function listAuditLog(
  db: Db,
  params: { ownerId: string; projectId: string; limit?: number; before?: number },
) {
  const limit = Math.min(Math.max(1, Math.floor(params.limit ?? 20)), AUDIT_PAGE_MAX);
  return db
    .select({
      id: projectAuditLog.id,
      projectId: projectAuditLog.projectId,
      actorId: projectAuditLog.actorId,
      actorName: users.name,
      actorEmail: users.email,
      action: projectAuditLog.action,
      details: projectAuditLog.details,
      at: projectAuditLog.at,
    })
    .from(projectAuditLog)
    .innerJoin(users, eq(users.id, projectAuditLog.actorId))
    .where(
      and(
        eq(projectAuditLog.ownerId, params.ownerId),
        or(eq(projectAuditLog.projectId, params.projectId), isNull(projectAuditLog.projectId)),
        params.before === undefined ? undefined : lt(projectAuditLog.id, params.before),
      ),
    )
    .orderBy(desc(projectAuditLog.id))
    .limit(limit);
}

/** How many invitations this user sent since `since` (the daily cap on invitations). */
export async function countInvitationsSince(db: Db, params: { invitedBy: string; since: Date }): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(projectInvitations)
    .where(and(eq(projectInvitations.invitedBy, params.invitedBy), gte(projectInvitations.createdAt, params.since)));
  return row?.n ?? 0;
}
