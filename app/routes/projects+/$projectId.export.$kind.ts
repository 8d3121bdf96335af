import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse, isExportKind } from "~/utils/export.server.ts";
import { requireOwnedProject } from "~/utils/projects.server.ts";
import { requireUser } from "~/utils/session.server.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const project = await requireOwnedProject(user, params.projectId);
  if (!isExportKind(params.kind)) throw new Response("Unknown export kind", { status: 404 });
  return exportResponse(project, params.kind, request.signal);
}
