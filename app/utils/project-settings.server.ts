import type { PublicUser } from "../../db/queries/identity.ts";
import { getProject, setApprovalDelay, type Project } from "../../db/queries/projects.ts";
import { audit } from "./audit.server.ts";
import { db } from "./db.server.ts";

/**
 * Sets the project's approval delay (hours, validated by the caller's schema) and records the change in the audit
 * log, with the value it replaced. Returns the project as it is now.
 */
export async function changeApprovalDelay(
  actor: Pick<PublicUser, "id">,
  project: Project,
  hours: number,
): Promise<Project> {
  await setApprovalDelay(db, { projectId: project.id, hours });
  await audit(actor, project, "settings.changed", {
    setting: "approval-delay",
    approvalDelayHours: hours,
    was: project.approvalDelayHours,
  });
  return (await getProject(db, project.id))!;
}
