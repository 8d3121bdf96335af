import type { LoaderFunctionArgs } from "@remix-run/node";
import { api, ApiError, methodNotAllowed, requireApiUser } from "~/utils/api.server.ts";
import { EXPORT_KINDS, exportResponse, isExportKind } from "~/utils/export.server.ts";
import { requireOwnedProject } from "~/utils/projects.server.ts";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const project = await requireOwnedProject(user, params.projectId);
    const kind =
      new URL(request.url).searchParams.get("kind") ?? (project.taskType === "pairwise" ? "preferences" : "consensus");
    if (!isExportKind(kind)) throw new ApiError(400, "invalid_kind", `kind must be one of ${EXPORT_KINDS.join(", ")}`);
    const response = await exportResponse(project, kind, request.signal);
    if (!response.ok) throw new ApiError(response.status, "invalid_kind", await response.text());
    return response;
  });

export const action = methodNotAllowed("GET", "HEAD");
