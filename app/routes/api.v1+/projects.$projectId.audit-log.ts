import type { LoaderFunctionArgs } from "@remix-run/node";
import { api, ApiError, methodNotAllowed, requireApiUser } from "~/utils/api.server.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";
import { AuditLogQuerySchema } from "~/utils/schemas.ts";
import { loadAuditLog } from "~/utils/team.server.ts";

/** The project's audit log, latest first: `?limit=1–100&before=<id>` pages back; `next` is the next page's `before`. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const access = await requireProjectApiAccess(user, params.projectId, "view");
    const parsed = AuditLogQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) throw new ApiError(400, "invalid_input", parsed.error.issues[0].message);
    const entries = await loadAuditLog(access, parsed.data);
    const next = entries.length === parsed.data.limit ? entries[entries.length - 1].id : null;
    return { entries, next };
  });

export const action = methodNotAllowed("GET", "HEAD");
