import type { LoaderFunctionArgs } from "@remix-run/node";
import { api, ApiError, methodNotAllowed, requireApiUser } from "~/utils/api.server.ts";
import {
  EXPORT_KINDS,
  exportResponse,
  ExportRequestError,
  isExportKind,
  readExportParams,
} from "~/utils/export.server.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";
import { audit } from "~/utils/audit.server.ts";

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "export");
    const query = new URL(request.url).searchParams;
    const kind = query.get("kind") ?? (project.taskType === "pairwise" ? "preferences" : "consensus");
    if (!isExportKind(kind)) throw new ApiError(400, "invalid_kind", `kind must be one of ${EXPORT_KINDS.join(", ")}`);
    try {
      const response = await exportResponse(project, kind, readExportParams(query), request.signal);
      await audit(user, project, "export.downloaded", { kind, via: "api" });
      return response;
    } catch (error) {
      if (error instanceof ExportRequestError) throw new ApiError(400, error.code, error.message);
      throw error;
    }
  });

export const action = methodNotAllowed("GET", "HEAD");
