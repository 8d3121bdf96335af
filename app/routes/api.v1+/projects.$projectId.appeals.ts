import type { LoaderFunctionArgs } from "@remix-run/node";
import { api, ApiError, methodNotAllowed, requireApiUser } from "~/utils/api.server.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";
import { loadAppeals } from "~/utils/reviews.server.ts";

/** The project's appeals, oldest first, each with the answer it is about; `?open=1` only those not decided yet. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "review");
    const open = new URL(request.url).searchParams.get("open");
    if (open !== null && open !== "0" && open !== "1")
      throw new ApiError(400, "invalid_input", "open is 1 (only appeals not decided yet) or 0 (all)");
    return { appeals: await loadAppeals(project, open === "1") };
  });

export const action = methodNotAllowed("GET", "HEAD");
