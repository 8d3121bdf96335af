import type { ActionFunctionArgs } from "@remix-run/node";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { requireUser } from "~/utils/session.server.ts";
import { streamingIngestResponse, UploadRequestError } from "~/utils/upload.server.ts";

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const { project } = await requireProjectAccess(user, params.projectId, "upload");
  await validateCsrf(new FormData(), request.headers);
  try {
    return streamingIngestResponse(project, request, user.id, (stored) =>
      audit(user, project, "items.uploaded", { upload: stored.uploadId, rows: stored.rows, inserted: stored.inserted }),
    );
  } catch (error) {
    if (error instanceof UploadRequestError)
      return new Response(error.message, { status: error.status, headers: error.headers });
    throw error;
  }
}
