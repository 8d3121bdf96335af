import { DomainError } from "../../../db/errors.ts";
import { consumeWalletNonce, linkWallet, saveWalletNonce } from "../../../db/queries/wallets.ts";
import { publicClusterOf } from "../chain/clusters.ts";
import { createSiwsChallenge, verifySiws } from "./siws.ts";
import { db } from "../../../app/utils/db.server.ts";
import { env } from "../../../config/env.ts";
import { queueSettlePayouts } from "../../../jobs/worker.ts";

const CHALLENGE_TTL_MS = 5 * 60_000;
const ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/** The host the browser shows: what a Sign-In-With-Solana message must name. */
export function siwsDomain(request: Request): string {
  return env.PUBLIC_HOST ?? new URL(request.url).host;
}

/** Issues a single-use sign-in message for `address`, valid for five minutes. */
export async function issueWalletChallenge(request: Request, userId: string, address: string) {
  if (!ADDRESS.test(address)) throw new DomainError("invalid_address", "That is not a Solana address.");
  const url = new URL(request.url);
  const challenge = createSiwsChallenge({
    domain: siwsDomain(request),
    address,
    statement: "Link this wallet to your Pairwise account to receive payouts.",
    uri: `${url.protocol}//${siwsDomain(request)}`,
    // A private endpoint is most likely a paid mainnet node.
    chainId: env.SOLANA_RPC_URL ? (publicClusterOf(env.SOLANA_RPC_URL) ?? "mainnet") : "localnet",
    now: new Date(),
    ttlMs: CHALLENGE_TTL_MS,
  });
  await saveWalletNonce(db, { nonce: challenge.nonce, userId, address, message: challenge.message, expiresAt: challenge.expiresAt });
  return { message: challenge.message, nonce: challenge.nonce, expiresAt: challenge.expiresAt.toISOString() };
}

/**
 * Links the wallet that signed the challenge: the nonce is consumed first (so a replay fails even if the rest
 * does), then the stored message is verified against the signature, the domain and the nonce.
 */
export async function completeWalletLink(request: Request, userId: string, nonce: string, signature: string) {
  const { message, address } = await consumeWalletNonce(db, { nonce, userId });
  verifySiws({ message, signature, expected: { domain: siwsDomain(request), address, nonce, now: new Date() } });
  await linkWallet(db, { userId, address });
  await queueSettlePayouts();
  return { address };
}
