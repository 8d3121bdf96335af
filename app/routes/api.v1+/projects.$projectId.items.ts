import type { ActionFunctionArgs } from "@remix-run/node";
import { api, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { requireOwnedProject } from "~/utils/projects.server.ts";
import { ingestRequest } from "~/utils/upload.server.ts";

export const loader = methodNotAllowed("POST", "PUT");

/** Upload a dataset: the body is the JSONL or CSV file itself; all-or-nothing, re-uploads add nothing twice. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST", "PUT");
    const user = await requireApiUser(request, ["requester"]);
    const project = await requireOwnedProject(user, params.projectId);
    return Response.json({ upload: await ingestRequest(project, request, user.id) }, { status: 201 });
  });
