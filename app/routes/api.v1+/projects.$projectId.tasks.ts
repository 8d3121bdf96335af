import type { ActionFunctionArgs } from "@remix-run/node";
import { methodNotAllowed } from "~/utils/api.server.ts";
import { handleTaskRequest } from "~/utils/labeler-tasks.server.ts";

export const loader = methodNotAllowed("POST");

/** Leases the next task, or acts on one and leases the next: see handleTaskRequest. */
export const action = ({ request, params }: ActionFunctionArgs) => handleTaskRequest(request, params.projectId);
