import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { AppealSchema } from "~/utils/review-schemas.ts";
import { appealAsLabeler, loadLabelerReviews } from "~/utils/reviews.server.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

/** Labelers: their rejected answers (and those overturned), newest first, with reasons, deadlines and appeals. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["labeler"]);
    return { rejections: await loadLabelerReviews(user.id) };
  });

/** Labelers: `{labelId, message}` appeals their rejected answer, once, within the appeal window. */
export const action = ({ request }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "POST");
    const user = await requireApiUser(request, ["labeler"]);
    const body = await parseJsonBody(request, AppealSchema);
    return Response.json(await appealAsLabeler(user.id, body), { status: 201 });
  });
