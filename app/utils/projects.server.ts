import type { PublicUser } from "../../db/queries/identity.ts";
import { getProject, type Project } from "../../db/queries/projects.ts";
import { db } from "./db.server.ts";

/** The project if this user owns it (admins see every project); a 404 otherwise, so ids of others' projects leak nothing. */
export async function requireOwnedProject(user: PublicUser, projectId: string | undefined): Promise<Project> {
  const project = projectId ? await getProject(db, projectId) : null;
  if (!project || (project.ownerId !== user.id && user.role !== "admin")) {
    throw new Response("No such project among yours.", { status: 404 });
  }
  return project;
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
    createdAt: project.createdAt.toISOString(),
  };
}
