import type { ActionFunctionArgs } from "@remix-run/node";
import { InsufficientTokensError, startRedemption } from "../../../reward/tokens/redemptions/service.ts";
import { api, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { redeemContext } from "../../../jobs/services.ts";
import { services } from "~/utils/services.server.ts";
import { rateLimit } from "~/utils/rate-limit.server.ts";
import { RedemptionStartSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";
import { insufficientTokens } from "~/utils/wallet.server.ts";

export const loader = methodNotAllowed("POST");

/**
 * Starts a redemption: `{amount, mode}` → the order and the transaction for the linked wallet to sign (base64); 409
 * `insufficient_tokens` when the wallet holds less than `amount` on chain.
 */
export const action = ({ request }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["labeler", "requester"]);
    await rateLimit("answer", `redeem:${user.id}`);
    const input = await parseJsonBody(request, RedemptionStartSchema);
    const { order, transaction } = await startRedemption(await redeemContext(services), {
      userId: user.id,
      ...input,
    }).catch(async (error) => {
      throw error instanceof InsufficientTokensError ? await insufficientTokens(error) : error;
    });
    return Response.json(
      {
        order: {
          id: order.id,
          amount: order.amount.toString(),
          credits: order.credits.toString(),
          mode: order.mode,
          expiresAt: order.expiresAt.toISOString(),
        },
        transaction,
      },
      { status: 201 },
    );
  });
