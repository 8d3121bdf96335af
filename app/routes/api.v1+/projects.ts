import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { createProject, listOwnedProjects } from "../../../db/queries/projects.ts";
import { api, ApiError, readJson, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { formProblems } from "../../../db/schema/questions.ts";
import { toNewProject } from "~/utils/project-input.server.ts";
import { projectJson } from "~/utils/projects.server.ts";
import { limits } from "~/utils/amount-limits.server.ts";
import { createProjectSchema } from "~/utils/schemas.ts";

export const loader = ({ request }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    return { projects: (await listOwnedProjects(db, user.id)).map(projectJson) };
  });

/** JSON numbers are accepted for amounts and a list for categories; the form schema does the rest. */
function fromJson(body: unknown) {
  if (!body || typeof body !== "object") throw new ApiError(400, "invalid_body", "Send a JSON object");
  const b = body as Record<string, unknown>;
  const asText = (v: unknown) => (typeof v === "number" || typeof v === "bigint" ? String(v) : v);
  return {
    ...b,
    rewardPerLabel: asText(b.rewardPerLabel),
    budget: asText(b.budget),
    categories: Array.isArray(b.categories) ? b.categories.join("\n") : b.categories,
    // A form given as a list of questions is a "form" project; taskType stays the shorthand for the fixed shapes.
    taskType: b.taskType ?? (b.questions !== undefined ? "form" : undefined),
    questions: b.questions === undefined ? undefined : JSON.stringify(b.questions),
    leaseMinutes: b.leaseMinutes ?? (typeof b.leaseSeconds === "number" ? Math.ceil(b.leaseSeconds / 60) : undefined),
  };
}

export const action = ({ request }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "POST");
    const user = await requireApiUser(request, ["requester"]);
    const parsed = createProjectSchema(limits, formProblems).safeParse(fromJson(await readJson(request)));
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ field: i.path.join("."), message: i.message }));
      throw new ApiError(400, "invalid_project", details.map((d) => `${d.field}: ${d.message}`).join("; "), details);
    }
    const project = await createProject(db, toNewProject(user.id, parsed.data));
    return Response.json({ project: projectJson(project) }, { status: 201 });
  });
