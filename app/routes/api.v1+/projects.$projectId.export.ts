import type { LoaderFunctionArgs } from "@remix-run/node";
import { api, ApiError, methodNotAllowed, requireApiUser } from "~/utils/api.server.ts";
import {
  EXPORT_KINDS,
  exportResponse,
  ExportRequestError,
  isExportKind,
  readExportParams,
} from "~/utils/export.server.ts";
import { requireOwnedProject } from "~/utils/projects.server.ts";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const project = await requireOwnedProject(user, params.projectId);
    const query = new URL(request.url).searchParams;
    const kind = query.get("kind") ?? (project.taskType === "pairwise" ? "preferences" : "consensus");
    if (!isExportKind(kind)) throw new ApiError(400, "invalid_kind", `kind must be one of ${EXPORT_KINDS.join(", ")}`);
    try {
      return await exportResponse(project, kind, readExportParams(query), request.signal);
    } catch (error) {
      if (error instanceof ExportRequestError) throw new ApiError(400, error.code, error.message);
      throw error;
    }
  });

export const action = methodNotAllowed("GET", "HEAD");
