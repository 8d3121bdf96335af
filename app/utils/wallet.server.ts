import { env, publicOrigin } from "../../config/env.ts";
import { queueSettlePayouts } from "../../jobs/queue.ts";
import { publicClusterOf } from "../../reward/tokens/chain/clusters.ts";
import type { InsufficientTokensError } from "../../reward/tokens/redemptions/service.ts";
import { completeWalletLink, issueWalletChallenge, type SiwsSite } from "../../reward/tokens/wallets/link.ts";
import { ApiError } from "./api.server.ts";
import { db } from "./db.server.ts";
import { tokenDisplay } from "./services.server.ts";
import { formatAmount } from "./tokens.ts";

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

/** The API's answer to a redemption the wallet cannot cover: 409, the amounts in tokens, and in base units. */
export async function insufficientTokens(error: InsufficientTokensError): Promise<ApiError> {
  const token = await tokenDisplay();
  return new ApiError(
    409,
    error.code,
    `Your wallet holds ${formatAmount(error.balance, token)}, less than the ${formatAmount(error.amount, token)} ` +
      "you asked to redeem; nothing was done.",
    { balance: error.balance.toString(), amount: error.amount.toString() },
  );
}
