import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { loadGenerations, startProjectGeneration } from "~/utils/generation.server.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { GenerationSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

/** The project's response generations with their progress and failed items, and how many items are waiting. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    return loadGenerations((await requireProjectApiAccess(user, params.projectId, "view")).project);
  });

/** `{"models": [...], "n", "temperature"}` queues responses from the upstream LLM for the waiting items (202). */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "POST");
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "upload");
    const input = await parseJsonBody(request, GenerationSchema);
    const generation = await startProjectGeneration(project, input);
    await audit(user, project, "responses.generated", { generation: generation.id, n: generation.n });
    return Response.json({ generation }, { status: 202 });
  });
