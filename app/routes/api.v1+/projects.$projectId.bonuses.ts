import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { limits } from "~/utils/amount-limits.server.ts";
import { api, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { bonusRequestSchema } from "~/utils/bonus-schemas.ts";
import { payBonus, projectBonusesJson } from "~/utils/bonuses.server.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";
import { rateLimit } from "~/utils/rate-limit.server.ts";
import { tokenDisplay } from "~/utils/services.server.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

/** The project's bonuses, newest first, each with where its payout stands. */
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "view");
    return { bonuses: await projectBonusesJson(project.id) };
  });

/**
 * Pays a bonus from the project's funds: to one labeler (`labelerId`, the project's pseudonym for them) or to the
 * `top` N by quality, `amount` base units (or `tokens`) each, with a `reason`. With an `idempotencyKey`, sending the
 * request again returns the first one's bonuses (200, `replayed`) and pays nothing twice.
 */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "POST");
    const user = await requireApiUser(request, ["requester"]);
    const access = await requireProjectApiAccess(user, params.projectId, "bonus");
    await rateLimit("answer", `bonus:${user.id}`);
    const value = await parseJsonBody(request, bonusRequestSchema(await tokenDisplay(), limits.bonus));
    const { bonuses, replayed } = await payBonus(user, access, {
      ...(value.top !== undefined ? { top: value.top } : { labeler: value.labelerId }),
      amount: (value.amount ?? value.tokens)!,
      reason: value.reason,
      idempotencyKey: value.idempotencyKey,
    });
    const all = await projectBonusesJson(access.project.id);
    const ids = new Set(bonuses.map((b) => b.id));
    return Response.json({ bonuses: all.filter((b) => ids.has(b.id)), replayed }, { status: replayed ? 200 : 201 });
  });
