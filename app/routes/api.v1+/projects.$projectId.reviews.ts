import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, ApiError, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";
import { ReviewDecisionSchema, ReviewQueueQuerySchema } from "~/utils/review-schemas.ts";
import { loadReviewQueue, reviewAsUser } from "~/utils/reviews.server.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

/**
 * The review queue: `?status=reviewable|approved|rejected|all&labeler=<pseudonym>&sample=N&limit=1–100&cursor=<id>`
 * (oldest first; `next` is the next page's cursor), with every labeler's counts.
 */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "review");
    const parsed = ReviewQueueQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ field: i.path.join("."), message: i.message }));
      throw new ApiError(400, "invalid_input", details.map((d) => `${d.field}: ${d.message}`).join("; "), details);
    }
    return loadReviewQueue(project, parsed.data);
  });

/** `{labelIds, decision: "approve"|"reject", reason?, note?}` → `{approved|rejected: [ids], refused: [{labelId, reason}]}`. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "POST");
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "review");
    const body = await parseJsonBody(request, ReviewDecisionSchema);
    return reviewAsUser(user, project, body);
  });
