import { getProject } from "../../db/queries/projects.ts";
import { leaseNextTask } from "../../db/queries/labeling.ts";
import { DomainError } from "../../db/errors.ts";
import { performTaskAction } from "../../labeling/task-actions.ts";
import { toTaskView } from "../../labeling/task-view.ts";
import { api, ApiError, readJson, requireApiUser, requireMethod } from "./api.server.ts";
import { db } from "./db.server.ts";
import { cachedLookup } from "./lookup-cache.server.ts";
import { rateLimit } from "./rate-limit.server.ts";
import { TaskActionSchema } from "./schemas.ts";

// The project's shape and questions, for mapping answers; whether it is paused, closed or funded is read fresh by
// the answer and lease statements themselves.
const projects = cachedLookup((id) => getProject(db, id));

/**
 * `POST /api/v1/projects/{projectId}/tasks`, the labeler API's hot path: `{}` leases the next task; `{intent,
 * assignmentId, …}` answers, skips or flags one and leases the next in the same round trip. Answers use on-screen
 * terms (left/right for pairs, response slots for forms). An action that was stored is reported as accepted even
 * when no next task can be leased (`stopped` says why: out of funds, closed…). Served by its Remix route and, in
 * production, by server.js directly (entry.server's directRoutes), without the page-rendering path.
 */
export const handleTaskRequest = (request: Request, projectId: string | undefined) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["labeler"]);
    const project = projectId ? await projects.get(projectId) : null;
    if (!project) throw new ApiError(404, "not_found", "No such project");
    const body = (await readJson(request)) as Record<string, unknown> | null;
    if (body === null || typeof body !== "object" || !("intent" in body)) {
      const task = await leaseNextTask(db, { projectId: project.id, labelerId: user.id });
      return { task: task && toTaskView(task, project.questions) };
    }
    const parsed = TaskActionSchema.safeParse(body);
    if (!parsed.success) throw new ApiError(400, "invalid_answer", parsed.error.issues[0].message);
    await rateLimit("answer", user.id);
    await performTaskAction(db, project, user.id, parsed.data);
    try {
      const task = await leaseNextTask(db, { projectId: project.id, labelerId: user.id });
      return { accepted: true, task: task && toTaskView(task, project.questions) };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { accepted: true, task: null, stopped: { code: error.code, message: error.message } };
    }
  });
