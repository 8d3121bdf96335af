import type { ActionFunctionArgs } from "@remix-run/node";
import { api, ApiError, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";
import { AppealDecisionSchema } from "~/utils/review-schemas.ts";
import { decideAppealAsUser } from "~/utils/reviews.server.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

export const loader = methodNotAllowed("POST");

/** `{decision: "upheld"|"overturned", note}`: the final decision on the labeler's appeal (once). */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "review");
    const labelId = Number(params.labelId);
    if (!/^\d{1,15}$/.test(params.labelId ?? "") || labelId < 1)
      throw new ApiError(404, "not_found", "No appeal of that answer on this project.");
    const body = await parseJsonBody(request, AppealDecisionSchema);
    return { appeal: await decideAppealAsUser(user, project, { labelId, ...body }) };
  });
