import { env, publicOrigin } from "../../config/env.ts";
import { queueSettlePayouts } from "../../jobs/queue.ts";
import { publicClusterOf } from "../../reward/tokens/chain/clusters.ts";
import { completeWalletLink, issueWalletChallenge, type SiwsSite } from "../../reward/tokens/wallets/link.ts";
import { db } from "./db.server.ts";

/**
 * The site a Sign-In-With-Solana message names: the configured public host (never the request's Host header, which
 * a phishing proxy would set to its own name), and the configured cluster.
 */
export function siwsSite(): SiwsSite {
  return {
    domain: env.PUBLIC_HOST,
    uri: publicOrigin(env),
    // A private endpoint is most likely a paid mainnet node.
    chainId: env.SOLANA_RPC_URL ? (publicClusterOf(env.SOLANA_RPC_URL) ?? "mainnet") : "localnet",
  };
}

export function walletChallenge(userId: string, address: string) {
  return issueWalletChallenge(db, { site: siwsSite(), userId, address });
}

/** Links the signing wallet, then settles any payouts that waited for it. */
export async function linkSignedWallet(userId: string, nonce: string, signature: string) {
  const linked = await completeWalletLink(db, { site: siwsSite(), userId, nonce, signature });
  await queueSettlePayouts(db);
  return linked;
}
