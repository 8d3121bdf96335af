import type { PublicUser } from "../../db/queries/identity.ts";
import { getProject, type Project } from "../../db/queries/projects.ts";
import { findMemberRole } from "../../db/queries/teams.ts";
import { mayDo, refusalMessage, type ProjectAction, type ProjectRole } from "../../accounts/project-roles.ts";
import { ApiError } from "./api.server.ts";
import { db } from "./db.server.ts";

export type ProjectAccess = { project: Project; role: ProjectRole };

const NOT_YOURS = "No such project among yours.";

/** The project and the caller's role on it (owner, a team member's role, or admin), or null when it is not theirs. */
export async function findProjectAccess(
  user: PublicUser,
  projectId: string | undefined,
): Promise<ProjectAccess | null> {
  const project = projectId ? await getProject(db, projectId) : null;
  if (!project) return null;
  if (project.ownerId === user.id) return { project, role: "owner" };
  // Only requester accounts hold team roles (invitations are accepted by them alone).
  const member =
    user.role === "requester"
      ? await findMemberRole(db, { ownerId: project.ownerId, projectId: project.id, userId: user.id })
      : null;
  if (member) return { project, role: member };
  if (user.role === "admin") return { project, role: "admin" };
  return null;
}

/**
 * Pages: the project if the caller may take this action on it. A 404 for anyone not on the project (so ids of others'
 * projects leak nothing), a 403 naming what the role may not do for a member.
 */
export async function requireProjectAccess(
  user: PublicUser,
  projectId: string | undefined,
  action: ProjectAction,
): Promise<ProjectAccess> {
  const access = await findProjectAccess(user, projectId);
  if (!access) throw new Response(NOT_YOURS, { status: 404 });
  requireRoleMay(access.role, action);
  return access;
}

/** Pages: refuses (403) an action the role does not allow, e.g. a dashboard intent after the project was read. */
export function requireRoleMay(role: ProjectRole, action: ProjectAction) {
  if (!mayDo(role, action)) throw new Response(refusalMessage(role, action), { status: 403 });
}

/** The JSON API's form of requireProjectAccess: `404 not_found` or `403 forbidden_role`. */
export async function requireProjectApiAccess(
  user: PublicUser,
  projectId: string | undefined,
  action: ProjectAction,
): Promise<ProjectAccess> {
  const access = await findProjectAccess(user, projectId);
  if (!access) throw new ApiError(404, "not_found", NOT_YOURS);
  if (!mayDo(access.role, action)) throw new ApiError(403, "forbidden_role", refusalMessage(access.role, action));
  return access;
}

/** JSON-safe view of a project (bigint amounts as decimal strings). */
export function projectJson(project: Project) {
  return {
    id: project.id,
    title: project.title,
    instructions: project.instructions,
    taskType: project.taskType,
    labelsPerItem: project.labelsPerItem,
    rewardPerLabel: project.rewardPerLabel.toString(),
    budget: project.budget.toString(),
    categories: project.categories,
    ratingMin: project.ratingMin,
    ratingMax: project.ratingMax,
    questions: project.questions,
    leaseSeconds: project.leaseSeconds,
    paused: project.paused,
    closedAt: project.closedAt?.toISOString() ?? null,
    qualityThreshold: project.qualityThreshold,
    approvalDelayHours: project.approvalDelayHours,
    createdAt: project.createdAt.toISOString(),
  };
}
