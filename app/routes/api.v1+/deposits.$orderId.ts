import type { ActionFunctionArgs } from "@remix-run/node";
import { completeDeposit } from "../../../reward/tokens/deposits/service.ts";
import { api, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { depositContext } from "~/utils/deposits.server.ts";
import { audit } from "~/utils/audit.server.ts";
import { getProject } from "../../../db/queries/projects.ts";
import { db } from "~/utils/db.server.ts";
import { rateLimit } from "~/utils/rate-limit.server.ts";
import { DepositCompleteSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";

export const loader = methodNotAllowed("POST");

/** Completes a deposit with the wallet-signed transaction (`signedTransaction`, base64) or a `signature`. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["requester"]);
    await rateLimit("answer", `deposit:${user.id}`);
    const input = await parseJsonBody(request, DepositCompleteSchema);
    const done = await completeDeposit(await depositContext(), {
      userId: user.id,
      orderId: params.orderId ?? "",
      signedTransaction: input.signedTransaction ? Buffer.from(input.signedTransaction, "base64") : undefined,
      signature: input.signature,
    });
    const project = await getProject(db, done.order.projectId);
    if (project)
      await audit(user, project, "deposit.completed", {
        order: done.order.id,
        amount: done.order.amount.toString(),
        signature: done.signature,
      });
    return { signature: done.signature, funded: done.funded.toString(), remaining: done.remaining.toString() };
  });
