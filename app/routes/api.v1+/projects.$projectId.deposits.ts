import type { ActionFunctionArgs } from "@remix-run/node";
import { createDepositOrder } from "../../../reward/tokens/deposits/service.ts";
import { limits } from "~/utils/amount-limits.server.ts";
import { api, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { depositContext, depositOrderJson } from "~/utils/deposits.server.ts";
import { requireProjectApiAccess } from "~/utils/projects.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { rateLimit } from "~/utils/rate-limit.server.ts";
import { depositStartSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

export const loader = methodNotAllowed("POST");

/** Starts a deposit: `{amount}` (base units) → the order and the transaction for the linked wallet to sign (base64). */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["requester"]);
    const { project } = await requireProjectApiAccess(user, params.projectId, "fund");
    await rateLimit("answer", `deposit:${user.id}`);
    const { amount } = await parseJsonBody(request, depositStartSchema(limits.deposit));
    const { order, transaction } = await createDepositOrder(await depositContext(), {
      projectId: project.id,
      userId: user.id,
      amount,
    });
    await audit(user, project, "deposit.started", { order: order.id, amount: order.amount.toString() });
    return Response.json({ order: depositOrderJson(order), transaction }, { status: 201 });
  });
