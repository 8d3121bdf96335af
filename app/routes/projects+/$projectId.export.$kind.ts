import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse, ExportRequestError, isExportKind, readExportParams } from "~/utils/export.server.ts";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { requireUser } from "~/utils/session.server.ts";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const { project } = await requireProjectAccess(user, params.projectId, "export");
  if (!isExportKind(params.kind)) throw new Response("Unknown export kind", { status: 404 });
  try {
    const query = readExportParams(new URL(request.url).searchParams);
    const response = await exportResponse(project, params.kind, query, request.signal);
    await audit(user, project, "export.downloaded", { kind: params.kind });
    return response;
  } catch (error) {
    if (error instanceof ExportRequestError) throw new Response(error.message, { status: 400 });
    throw error;
  }
}
