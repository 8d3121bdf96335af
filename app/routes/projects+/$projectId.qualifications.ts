import type { ActionFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/react";
import { DomainError } from "../../../db/errors.ts";
import { setWhoMayLabel } from "../../../labeling/qualification-tests.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { ProjectQualificationsSchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";

/**
 * The dashboard's "Who may label" card posts here: the tests the project requires, the minimum prior quality, and
 * whether the project is private with the emails of the labelers it invites.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const { project } = await requireProjectAccess(user, params.projectId, "settings");
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  // The invited labelers come one email per line (commas work too).
  const emails = String(formData.get("labelers") ?? "")
    .split(/[\n,]/)
    .map((e) => e.trim())
    .filter(Boolean);
  const parsed = ProjectQualificationsSchema.safeParse({
    tests: formData.getAll("tests"),
    minPriorQuality: formData.get("minPriorQuality") ?? undefined,
    visibility: formData.get("visibility") ?? undefined,
    labelers: emails,
  });
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const at = issue.path[0] === "labelers" && typeof issue.path[1] === "number" ? issue.path[1] : null;
    const error = at === null ? issue.message : `Invited labelers, "${emails[at]}": ${issue.message}`;
    return data({ error }, 400);
  }
  try {
    await setWhoMayLabel(db, {
      projectId: project.id,
      ownerId: project.ownerId,
      testIds: parsed.data.tests,
      minPriorQuality: parsed.data.minPriorQuality,
      visibility: parsed.data.visibility,
      labelers: { emails: parsed.data.labelers ?? [], invitedBy: user.id },
    });
  } catch (error) {
    if (error instanceof DomainError) return data({ error: error.message }, 404);
    throw error;
  }
  await audit(user, project, "qualifications.changed", {
    tests: parsed.data.tests.length,
    minPriorQuality: parsed.data.minPriorQuality,
    visibility: parsed.data.visibility,
    labelers: parsed.data.labelers?.length,
  });
  return { message: "Saved." };
}
