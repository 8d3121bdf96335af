import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getProjectRequirements } from "../../../db/queries/qualifications.ts";
import { setWhoMayLabel } from "../../../labeling/qualification-tests.ts";
import { api, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { ProjectQualificationsSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

async function requirements(projectId: string) {
  const { tests, minPriorQuality, visibility, labelers } = await getProjectRequirements(db, projectId);
  return { tests: tests.map(({ id, title }) => ({ id, title })), minPriorQuality, visibility, labelers };
}

/** Who may label the project: the tests it requires, the minimum prior quality, its visibility and invitees. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "view");
    return requirements(project.id);
  });

/**
 * Replaces them: `{tests: [ids of the project owner's tests], minPriorQuality: 0–1 or null, visibility?: "public" |
 * "private", labelers?: [emails]}` (visibility and labelers unchanged when left out).
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "PUT");
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "settings");
    const body = await parseJsonBody(request, ProjectQualificationsSchema);
    const { tests, minPriorQuality, visibility, labelers } = body;
    await setWhoMayLabel(db, {
      projectId: project.id,
      ownerId: project.ownerId,
      testIds: tests,
      minPriorQuality,
      visibility,
      labelers: labelers && { emails: labelers, invitedBy: user.id },
    });
    await audit(user, project, "qualifications.changed", {
      tests: tests.length,
      minPriorQuality,
      visibility,
      labelers: labelers?.length,
    });
    return requirements(project.id);
  });
