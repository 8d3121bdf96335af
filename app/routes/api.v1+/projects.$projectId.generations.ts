import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { loadGenerations, startProjectGeneration } from "~/utils/generation.server.ts";
import { requireOwnedProject } from "~/utils/projects.server.ts";
import { GenerationSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

/** The project's response generations with their progress and failed items, and how many items are waiting. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    return loadGenerations(await requireOwnedProject(user, params.projectId));
  });

/** `{"models": [...], "n", "temperature"}` queues responses from the upstream LLM for the waiting items (202). */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "POST");
    const user = await requireApiUser(request, ["requester"]);
    const project = await requireOwnedProject(user, params.projectId);
    const input = await parseJsonBody(request, GenerationSchema);
    return Response.json({ generation: await startProjectGeneration(project, input) }, { status: 202 });
  });
