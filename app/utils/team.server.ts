import { createHash, randomBytes } from "node:crypto";
import type { z } from "zod";
import { DomainError } from "../../db/errors.ts";
import { findUserByEmail, type PublicUser } from "../../db/queries/identity.ts";
import {
  acceptInvitation,
  changeMemberRole,
  countInvitationsSince,
  createInvitation,
  findInvitation,
  listAuditLog,
  listPendingInvitations,
  listProjectMembers,
  removeMember,
  revokeInvitation,
} from "../../db/queries/teams.ts";
import { ROLE_WORDS, type ProjectRole } from "../../accounts/project-roles.ts";
import type { ProjectAccess } from "./projects.server.ts";
import { auditTeam } from "./audit.server.ts";
import { auditActionWords, auditDetailWords } from "./audit.ts";
import { db } from "./db.server.ts";
import { rateLimitOrRespond } from "./rate-limit.server.ts";
import { tokenDisplay } from "./services.server.ts";
import type { TeamActionSchema } from "./schemas.ts";

export const INVITATION_DAYS = 7;
/** Invitations one account may send per day (besides the per-minute limit), so the links cannot be farmed. */
export const INVITATIONS_PER_DAY = 50;

/** SHA-256 hex of an invitation link's token: what the database keeps. */
export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Who is shown on team pages: the owner (and admins) see emails; members see names only. */
function seesEmails(role: ProjectRole) {
  return role === "owner" || role === "admin";
}

/** The dashboard's Team card: the members (and, for the owner, pending invitations). */
export async function loadTeam({ project, role }: ProjectAccess) {
  const emails = seesEmails(role);
  const [members, invitations] = await Promise.all([
    listProjectMembers(db, { ownerId: project.ownerId, projectId: project.id }),
    role === "owner" ? listPendingInvitations(db, { ownerId: project.ownerId, projectId: project.id }) : [],
  ]);
  return {
    role,
    members: members.map((m) => ({
      id: m.id,
      name: m.name,
      email: emails ? m.email : null,
      role: m.role,
      allProjects: m.allProjects,
    })),
    invitations: invitations.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      allProjects: i.allProjects,
      expiresAt: i.expiresAt.toISOString(),
    })),
  };
}

/** A page of the project's audit log, JSON-safe, with actors by name (and email for the owner). */
export async function loadAuditLog({ project, role }: ProjectAccess, page: { limit?: number; before?: number } = {}) {
  const emails = seesEmails(role);
  const [rows, token] = await Promise.all([
    listAuditLog(db, { ownerId: project.ownerId, projectId: project.id, ...page }),
    tokenDisplay(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    actor: emails ? `${r.actorName} <${r.actorEmail}>` : r.actorName,
    action: r.action,
    what: auditActionWords(r.action),
    details: auditDetailWords(r.details, emails, token),
    allProjects: r.projectId === null,
    at: r.at.toISOString(),
  }));
}

type TeamAction = z.infer<typeof TeamActionSchema>;
type TeamResult = { message: string | null; errors: string[] | null; invitationPath?: string };

/** The owner's team changes, each written to the audit log. */
export async function performTeamAction(
  user: PublicUser,
  { project }: ProjectAccess,
  action: TeamAction,
): Promise<TeamResult> {
  const ownerId = project.ownerId;
  switch (action.intent) {
    case "invite": {
      await rateLimitOrRespond("auth", `invite:${user.id}`);
      const since = new Date(Date.now() - 24 * 3600_000);
      if ((await countInvitationsSince(db, { invitedBy: user.id, since })) >= INVITATIONS_PER_DAY)
        return { message: null, errors: [`At most ${INVITATIONS_PER_DAY} invitations a day; try again tomorrow.`] };
      const invitee = await findUserByEmail(db, action.email);
      if (invitee?.id === ownerId) return { message: null, errors: ["That is your own address."] };
      const token = randomBytes(32).toString("base64url");
      const projectId = action.scope === "all" ? null : project.id;
      const invitation = await createInvitation(db, {
        tokenHash: hashInvitationToken(token),
        email: action.email,
        ownerId,
        projectId,
        role: action.role,
        invitedBy: user.id,
        expiresAt: new Date(Date.now() + INVITATION_DAYS * 24 * 3600_000),
      });
      await auditTeam(user, { ownerId, projectId }, "team.invited", {
        invitation: invitation.id,
        email: action.email,
        role: action.role,
        scope: action.scope,
      });
      return {
        message: `Invitation for ${action.email} as ${ROLE_WORDS[action.role]} created. Copy the link below and send it yourself: Pairwise sends no email. It works once, for that address, for ${INVITATION_DAYS} days.`,
        errors: null,
        invitationPath: `/invitations/${token}`,
      };
    }
    case "revoke": {
      const revoked = await revokeInvitation(db, { ownerId, invitationId: action.invitationId });
      if (!revoked) return { message: null, errors: ["That invitation is not pending any more."] };
      await auditTeam(user, { ownerId, projectId: revoked.projectId }, "team.invitation_revoked", {
        invitation: revoked.id,
        email: revoked.email,
      });
      return { message: `Invitation for ${revoked.email} withdrawn.`, errors: null };
    }
    case "remove": {
      const removed = await removeMember(db, { ownerId, memberId: action.memberId });
      if (!removed) return { message: null, errors: ["No such member."] };
      await auditTeam(user, { ownerId, projectId: removed.projectId }, "team.removed", {
        member: removed.id,
        role: removed.role,
      });
      return { message: "Member removed.", errors: null };
    }
    case "role": {
      const changed = await changeMemberRole(db, { ownerId, memberId: action.memberId, role: action.role });
      if (!changed) return { message: null, errors: ["No such member."] };
      await auditTeam(user, { ownerId, projectId: changed.projectId }, "team.role_changed", {
        member: changed.id,
        role: changed.role,
      });
      return { message: `Role changed to ${ROLE_WORDS[changed.role]}.`, errors: null };
    }
  }
}

/** What the accept page shows for a token: the offer, or why it cannot be taken (never the invitee's email). */
export async function loadInvitationOffer(token: string) {
  const found = await findInvitation(db, hashInvitationToken(token));
  if (!found) return null;
  const { invitation } = found;
  const state = invitation.acceptedAt
    ? "used"
    : invitation.revokedAt
      ? "revoked"
      : invitation.expiresAt <= new Date()
        ? "expired"
        : "pending";
  return {
    ownerName: found.ownerName,
    projectId: invitation.projectId,
    projectTitle: found.projectTitle,
    role: invitation.role,
    roleWords: ROLE_WORDS[invitation.role],
    expiresAt: invitation.expiresAt.toISOString(),
    state,
    /** Whether it was sent to this address (the address itself stays on the server). */
    sentTo: (email: string) => email.toLowerCase() === invitation.email.toLowerCase(),
  } as const;
}

/** Accepts the invitation as this user (a requester account), and logs the join. */
export async function acceptInvitationAs(user: PublicUser, token: string) {
  if (user.role !== "requester")
    throw new DomainError(
      "invitation_wrong_role",
      "Team invitations are for requester accounts; sign in with the requester account the invitation was sent to.",
    );
  const { invitation, member } = await acceptInvitation(db, {
    tokenHash: hashInvitationToken(token),
    userId: user.id,
    userEmail: user.email,
  });
  await auditTeam(user, { ownerId: invitation.ownerId, projectId: invitation.projectId }, "team.joined", {
    member: member.id,
    role: member.role,
  });
  return { invitation, member };
}
