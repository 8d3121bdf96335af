import type { ActionFunctionArgs } from "@remix-run/node";
import { api, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { ingestRequest } from "~/utils/upload.server.ts";

export const loader = methodNotAllowed("POST", "PUT");

/** Upload a dataset: the body is the JSONL or CSV file itself; all-or-nothing, re-uploads add nothing twice. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST", "PUT");
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "upload");
    const upload = await ingestRequest(project, request, user.id);
    await audit(user, project, "items.uploaded", {
      upload: upload.uploadId,
      rows: upload.rows,
      inserted: upload.inserted,
    });
    return Response.json({ upload }, { status: 201 });
  });
