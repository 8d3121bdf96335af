import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadProjectStatus } from "~/utils/project-status.server.ts";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import { requireUser } from "~/utils/session.server.ts";

/** The dashboard's live status (counts, consensus job, training, response generation), polled while the dashboard is open. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const { project } = await requireProjectAccess(user, params.projectId, "view");
  return Response.json(await loadProjectStatus(project), { headers: { "Cache-Control": "no-store" } });
}
