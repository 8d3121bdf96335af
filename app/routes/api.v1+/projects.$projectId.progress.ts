import type { LoaderFunctionArgs } from "@remix-run/node";
import { getProjectProgress } from "../../../db/queries/projects.ts";
import { api, methodNotAllowed, requireApiUser } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "view");
    return { progress: await getProjectProgress(db, project.id) };
  });

export const action = methodNotAllowed("GET", "HEAD");
