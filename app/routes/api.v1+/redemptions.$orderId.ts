import type { ActionFunctionArgs } from "@remix-run/node";
import { completeRedemption, InsufficientTokensError } from "../../../reward/tokens/redemptions/service.ts";
import { api, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { redeemContext } from "../../../jobs/services.ts";
import { services } from "~/utils/services.server.ts";
import { rateLimit } from "~/utils/rate-limit.server.ts";
import { RedemptionCompleteSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";
import { insufficientTokens } from "~/utils/wallet.server.ts";

export const loader = methodNotAllowed("POST");

/** Completes a redemption with the wallet-signed transaction (`signedTransaction`, base64) or a `signature`. */
export const action = ({ request, params }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["labeler", "requester"]);
    await rateLimit("answer", `redeem:${user.id}`);
    const input = await parseJsonBody(request, RedemptionCompleteSchema);
    const done = await completeRedemption(await redeemContext(services), {
      userId: user.id,
      orderId: params.orderId ?? "",
      signedTransaction: input.signedTransaction ? Buffer.from(input.signedTransaction, "base64") : undefined,
      signature: input.signature,
    }).catch(async (error) => {
      throw error instanceof InsufficientTokensError ? await insufficientTokens(error) : error;
    });
    return { signature: done.signature, credits: done.credits.toString(), balance: done.balance.toString() };
  });
