import { env } from "../../config/env.ts";
import { queueSettlePayouts } from "../../jobs/queue.ts";
import { publicClusterOf } from "../../reward/tokens/chain/clusters.ts";
import { completeWalletLink, issueWalletChallenge, type SiwsSite } from "../../reward/tokens/wallets/link.ts";
import { db } from "./db.server.ts";

/** The site a Sign-In-With-Solana message names: the host the browser shows, and the configured cluster. */
export function siwsSite(request: Request): SiwsSite {
  const domain = env.PUBLIC_HOST ?? new URL(request.url).host;
  return {
    domain,
    uri: `${new URL(request.url).protocol}//${domain}`,
    // A private endpoint is most likely a paid mainnet node.
    chainId: env.SOLANA_RPC_URL ? (publicClusterOf(env.SOLANA_RPC_URL) ?? "mainnet") : "localnet",
  };
}

export function walletChallenge(request: Request, userId: string, address: string) {
  return issueWalletChallenge(db, { site: siwsSite(request), userId, address });
}

/** Links the signing wallet, then settles any payouts that waited for it. */
export async function linkSignedWallet(request: Request, userId: string, nonce: string, signature: string) {
  const linked = await completeWalletLink(db, { site: siwsSite(request), userId, nonce, signature });
  await queueSettlePayouts(db);
  return linked;
}
