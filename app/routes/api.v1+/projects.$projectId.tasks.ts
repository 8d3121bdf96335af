import type { ActionFunctionArgs } from "@remix-run/node";
import { DomainError } from "../../../db/errors.ts";
import { leaseNextTask } from "../../../db/queries/labeling.ts";
import { getProject } from "../../../db/queries/projects.ts";
import { api, ApiError, methodNotAllowed, readJson, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { rateLimit } from "~/utils/rate-limit.server.ts";
import { performTaskAction } from "../../../labeling/task-actions.ts";
import { TaskActionSchema } from "~/utils/schemas.ts";
import { toTaskView } from "../../../labeling/task-view.ts";

export const loader = methodNotAllowed("POST");

/**
 * Labeler API: `POST {}` leases the next task; `POST {intent, assignmentId, …}` answers, skips or flags one and
 * leases the next in the same round trip. Answers use on-screen terms (left/right for pairs, response slots for
 * forms). An action that was
 * stored is reported as accepted even when no next task can be leased (`stopped` says why: out of funds, closed…).
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["labeler"]);
    const project = params.projectId ? await getProject(db, params.projectId) : null;
    if (!project) throw new ApiError(404, "not_found", "No such project");
    const body = (await readJson(request)) as Record<string, unknown> | null;
    const acting = body !== null && typeof body === "object" && "intent" in body;
    if (acting) {
      const parsed = TaskActionSchema.safeParse(body);
      if (!parsed.success) throw new ApiError(400, "invalid_answer", parsed.error.issues[0].message);
      await rateLimit("answer", user.id);
      await performTaskAction(db, project, user.id, parsed.data);
    }
    try {
      const task = await leaseNextTask(db, { projectId: project.id, labelerId: user.id });
      const view = task && toTaskView(task, project.questions);
      return acting ? { accepted: true, task: view } : { task: view };
    } catch (error) {
      if (!acting || !(error instanceof DomainError)) throw error;
      return { accepted: true, task: null, stopped: { code: error.code, message: error.message } };
    }
  });
