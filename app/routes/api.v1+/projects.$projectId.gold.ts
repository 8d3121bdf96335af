import type { LoaderFunctionArgs } from "@remix-run/node";
import { api, methodNotAllowed, requireApiUser } from "~/utils/api.server.ts";
import { loadGoldForCaller } from "~/utils/gold.server.ts";

/** The project's gold commitments with their salts and lists, each checked against the chain and the stored gold. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester", "labeler"]);
    return loadGoldForCaller(user, params.projectId);
  });

export const action = methodNotAllowed("GET", "HEAD");
