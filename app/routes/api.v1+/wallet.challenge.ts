import type { ActionFunctionArgs } from "@remix-run/node";
import { api, methodNotAllowed, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { rateLimit } from "~/utils/rate-limit.server.ts";
import { WalletChallengeSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";
import { walletChallenge } from "~/utils/wallet.server.ts";

export const loader = methodNotAllowed("POST");

/** A Sign-In-With-Solana message for the wallet to sign; single use, five minutes. */
export const action = ({ request }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "POST");
    const user = await requireApiUser(request, ["labeler", "requester"]);
    await rateLimit("auth", `wallet:${user.id}`);
    const { address } = await parseJsonBody(request, WalletChallengeSchema);
    return walletChallenge(user.id, address);
  });
