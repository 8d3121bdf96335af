import type { PublicUser } from "../../db/queries/identity.ts";
import type { Project } from "../../db/queries/projects.ts";
import { insertAuditEntry } from "../../db/queries/teams.ts";
import type { AuditAction } from "./audit.ts";
import { db } from "./db.server.ts";

/**
 * Records who did what on a project, from the HTTP layer (where the actor is known). Details stay small: counts, ids,
 * new values; never secrets, tokens or item content.
 */
export async function audit(
  actor: Pick<PublicUser, "id">,
  project: Pick<Project, "id" | "ownerId">,
  action: AuditAction,
  details?: Record<string, unknown>,
) {
  await insertAuditEntry(db, { ownerId: project.ownerId, projectId: project.id, actorId: actor.id, action, details });
}

/** A team change of all the owner's projects (projectId null): it shows in each project's log. */
export async function auditTeam(
  actor: Pick<PublicUser, "id">,
  scope: { ownerId: string; projectId: string | null },
  action: AuditAction,
  details?: Record<string, unknown>,
) {
  await insertAuditEntry(db, { ...scope, actorId: actor.id, action, details });
}
