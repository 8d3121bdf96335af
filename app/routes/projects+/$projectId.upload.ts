import type { ActionFunctionArgs } from "@remix-run/node";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { requireOwnedProject } from "~/utils/projects.server.ts";
import { requireUser } from "~/utils/session.server.ts";
import { streamingIngestResponse, UploadRequestError } from "~/utils/upload.server.ts";

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const project = await requireOwnedProject(user, params.projectId);
  await validateCsrf(new FormData(), request.headers);
  try {
    return streamingIngestResponse(project, request, user.id);
  } catch (error) {
    if (error instanceof UploadRequestError)
      return new Response(error.message, { status: error.status, headers: error.headers });
    throw error;
  }
}
