import type { ActionFunctionArgs } from "@remix-run/node";
import { getProject } from "../../../db/queries/projects.ts";
import { closeAndRefund } from "../../../jobs/project-commands.ts";
import { api, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { projectJson, requireProjectApiAccess } from "~/utils/projects.server.ts";
import { audit } from "~/utils/audit.server.ts";

export const loader = methodNotAllowed("POST");

/**
 * Closes the project: `{"project","closed"}` (closed false when it was closed already). Its unspent funds are
 * refunded to the requester's wallet once every answer is planned for payment.
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "close");
    const closed = await closeAndRefund(db, project);
    if (closed) await audit(user, project, "project.closed");
    return { project: projectJson((await getProject(db, project.id))!), closed };
  });
