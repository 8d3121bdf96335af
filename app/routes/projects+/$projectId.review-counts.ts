import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import { loadReviewLabelers } from "~/utils/reviews.server.ts";
import { requireUser } from "~/utils/session.server.ts";

/** The review page's live counts (each labeler's answers by review status), polled while the page is open. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const { project } = await requireProjectAccess(user, params.projectId, "review");
  const { labelers } = await loadReviewLabelers(project);
  return Response.json(
    { checkedAt: Date.now(), revision: "counts", labelers },
    { headers: { "Cache-Control": "no-store" } },
  );
}
