import type { ActionFunctionArgs } from "@remix-run/node";
import { api, ApiError, requireApiUser } from "~/utils/api.server.ts";
import { requireOwnedProject } from "~/utils/projects.server.ts";
import { ingestRequest } from "~/utils/upload.server.ts";

/** Upload a dataset: the body is the JSONL or CSV file itself; all-or-nothing, re-uploads add nothing twice. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    if (request.method !== "POST" && request.method !== "PUT")
      throw new ApiError(405, "method_not_allowed", "POST the file as the request body");
    const user = await requireApiUser(request, ["requester"]);
    const project = await requireOwnedProject(user, params.projectId);
    return Response.json({ upload: await ingestRequest(project, request) }, { status: 201 });
  });
