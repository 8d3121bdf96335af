import type { ActionFunctionArgs } from "@remix-run/node";
import { leaseNextTask } from "../../../db/queries/labeling.ts";
import { getProject } from "../../../db/queries/projects.ts";
import { api, ApiError, readJson, requireApiUser } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { rateLimit } from "~/utils/rate-limit.server.ts";
import { performTaskAction } from "../../../labeling/task-actions.ts";
import { TaskActionSchema } from "~/utils/schemas.ts";
import { toTaskView } from "../../../labeling/task-view.ts";

/**
 * Labeler API: `POST {}` leases the next task; `POST {intent, assignmentId, …}` answers, skips or flags one and
 * leases the next in the same round trip. Answers use on-screen terms (left/right for pairs).
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    if (request.method !== "POST") throw new ApiError(405, "method_not_allowed", "Use POST");
    const user = await requireApiUser(request, ["labeler"]);
    const project = params.projectId ? await getProject(db, params.projectId) : null;
    if (!project) throw new ApiError(404, "not_found", "No such project");
    const body = (await readJson(request)) as Record<string, unknown> | null;
    if (body && typeof body === "object" && "intent" in body) {
      const parsed = TaskActionSchema.safeParse(body);
      if (!parsed.success) throw new ApiError(400, "invalid_answer", parsed.error.issues[0].message);
      await rateLimit("answer", user.id);
      await performTaskAction(db, project, user.id, parsed.data);
    }
    const task = await leaseNextTask(db, { projectId: project.id, labelerId: user.id });
    return { task: task && toTaskView(task) };
  });
