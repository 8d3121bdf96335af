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
  const { tests, minPriorQuality } = await getProjectRequirements(db, projectId);
  return { tests: tests.map(({ id, title }) => ({ id, title })), minPriorQuality };
}

/** Who may label the project: the tests it requires and the minimum prior quality. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "view");
    return requirements(project.id);
  });

/** Replaces them: `{tests: [ids of the project owner's tests], minPriorQuality: 0–1 or null}`. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "PUT");
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "settings");
    const { tests, minPriorQuality } = await parseJsonBody(request, ProjectQualificationsSchema);
    await setWhoMayLabel(db, { projectId: project.id, ownerId: project.ownerId, testIds: tests, minPriorQuality });
    await audit(user, project, "qualifications.changed", { tests: tests.length, minPriorQuality });
    return requirements(project.id);
  });
