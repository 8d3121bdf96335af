import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getLinkedWallet } from "../../../db/queries/wallets.ts";
import { api, requireApiUser, requireMethod } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { rateLimit } from "~/utils/rate-limit.server.ts";
import { WalletLinkSchema } from "~/utils/schemas.ts";
import { parseJsonBody } from "~/utils/validate.server.ts";
import { linkSignedWallet } from "~/utils/wallet.server.ts";

export const loader = ({ request }: LoaderFunctionArgs) =>
  api(async () => {
    const user = await requireApiUser(request, ["labeler", "requester"]);
    return { address: await getLinkedWallet(db, user.id) };
  });

/** Links (or changes) the payout wallet: `{nonce, signature}` for a challenge from /api/v1/wallet/challenge. */
export const action = ({ request }: ActionFunctionArgs) =>
  api(async () => {
    requireMethod(request, "GET", "HEAD", "POST");
    const user = await requireApiUser(request, ["labeler", "requester"]);
    await rateLimit("auth", `wallet:${user.id}`);
    const { nonce, signature } = await parseJsonBody(request, WalletLinkSchema);
    return linkSignedWallet(user.id, nonce, signature);
  });
