import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getFundsSummary } from "../../../db/queries/funds.ts";
import { getProjectProgress } from "../../../db/queries/projects.ts";
import { api, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { fundsJson } from "~/utils/deposits.server.ts";
import { changeApprovalDelay } from "~/utils/project-settings.server.ts";
import { projectJson, requireProjectApiAccess } from "~/utils/projects.server.ts";
import { ProjectSettingsSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "view");
    return {
      project: { ...projectJson(project), ...fundsJson(await getFundsSummary(db, project.id)) },
      progress: await getProjectProgress(db, project.id),
    };
  });

/** PATCH `{approvalDelayHours}`: changes the project's settings (owners and co-owners), audited; the project now. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "PATCH");
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "settings");
    const settings = await parseJsonBody(request, ProjectSettingsSchema);
    return { project: projectJson(await changeApprovalDelay(user, project, settings.approvalDelayHours)) };
  });
