import type { ActionFunctionArgs } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import { TeamActionSchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";
import { performTeamAction } from "~/utils/team.server.ts";

export const loader = () => {
  throw new Response("Not found", { status: 404 });
};

/** The Team card's posts (the owner only): invite, withdraw an invitation, change a role, remove a member. */
export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const access = await requireProjectAccess(user, params.projectId, "team");
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const submission = parseWithZod(formData, { schema: TeamActionSchema });
  if (submission.status !== "success") {
    const errors = Object.values(submission.error ?? {})
      .flat()
      .filter(Boolean) as string[];
    return Response.json({ message: null, errors: errors.length ? errors : ["Unknown team action."] }, { status: 400 });
  }
  return performTeamAction(user, access, submission.value);
}
