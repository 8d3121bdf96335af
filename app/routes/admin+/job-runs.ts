import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadTreasuryJobRuns } from "~/utils/job-runs.server.ts";
import { requireUser } from "~/utils/session.server.ts";

/** The Treasury's job runs alone, which its page polls while any is queued or running. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, ["admin"]);
  return loadTreasuryJobRuns();
}
