import type { Db } from "../../../db/client.ts";
import { DomainError } from "../../../db/errors.ts";
import { consumeWalletNonce, linkWallet, saveWalletNonce } from "../../../db/queries/wallets.ts";
import { createSiwsChallenge, verifySiws, type SiwsChainId } from "./siws.ts";

const CHALLENGE_TTL_MS = 5 * 60_000;
const ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/** Where a Sign-In-With-Solana message is valid: the site's host and origin, and the cluster. */
export interface SiwsSite {
  domain: string;
  uri: string;
  chainId: SiwsChainId;
}

/** Issues a single-use sign-in message for `address`, valid for five minutes. */
export async function issueWalletChallenge(db: Db, params: { site: SiwsSite; userId: string; address: string }) {
  const { site, userId, address } = params;
  if (!ADDRESS.test(address)) throw new DomainError("invalid_address", "That is not a Solana address.");
  const challenge = createSiwsChallenge({
    domain: site.domain,
    address,
    statement: "Link this wallet to your Pairwise account to receive payouts.",
    uri: site.uri,
    chainId: site.chainId,
    now: new Date(),
    ttlMs: CHALLENGE_TTL_MS,
  });
  await saveWalletNonce(db, {
    nonce: challenge.nonce,
    userId,
    address,
    message: challenge.message,
    expiresAt: challenge.expiresAt,
  });
  return { message: challenge.message, nonce: challenge.nonce, expiresAt: challenge.expiresAt.toISOString() };
}

/**
 * Links the wallet that signed the challenge: the nonce is consumed first (so a replay fails even if the rest
 * does), then the stored message is verified against the signature, the domain and the nonce.
 */
export async function completeWalletLink(
  db: Db,
  params: { site: SiwsSite; userId: string; nonce: string; signature: string },
) {
  const { site, userId, nonce, signature } = params;
  const { message, address } = await consumeWalletNonce(db, { nonce, userId });
  verifySiws({ message, signature, expected: { domain: site.domain, address, nonce, now: new Date() } });
  await linkWallet(db, { userId, address });
  return { address };
}
