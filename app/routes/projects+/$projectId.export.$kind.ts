import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse, ExportRequestError, isExportKind, readExportParams } from "~/utils/export.server.ts";
import { requireOwnedProject } from "~/utils/projects.server.ts";
import { requireUser } from "~/utils/session.server.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const project = await requireOwnedProject(user, params.projectId);
  if (!isExportKind(params.kind)) throw new Response("Unknown export kind", { status: 404 });
  try {
    const query = readExportParams(new URL(request.url).searchParams);
    return await exportResponse(project, params.kind, query, request.signal);
  } catch (error) {
    if (error instanceof ExportRequestError) throw new Response(error.message, { status: 400 });
    throw error;
  }
}
