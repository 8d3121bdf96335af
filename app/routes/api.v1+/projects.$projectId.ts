import type { LoaderFunctionArgs } from "@remix-run/node";
import { getFundsSummary } from "../../../db/queries/funds.ts";
import { getProjectProgress } from "../../../db/queries/projects.ts";
import { api, methodNotAllowed, requireApiUser } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { fundsJson } from "~/utils/deposits.server.ts";
import { projectJson, requireProjectApiAccess } from "~/utils/projects.server.ts";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "view");
    return {
      project: { ...projectJson(project), ...fundsJson(await getFundsSummary(db, project.id)) },
      progress: await getProjectProgress(db, project.id),
    };
  });

export const action = methodNotAllowed("GET", "HEAD");
