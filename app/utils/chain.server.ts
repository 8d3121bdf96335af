import { chainConfigFromEnv, openPlatform, type Platform } from "../../reward/tokens/chain/platform.ts";
import type { PayoutContext } from "../../reward/tokens/payouts/executor.ts";
import type { RedeemContext } from "../../reward/tokens/redemptions/service.ts";
import { db } from "./db.server.ts";
import { env } from "../../config/env.ts";

declare global {
  // eslint-disable-next-line no-var
  var __pairwisePlatform: Promise<Platform> | undefined;
}

/** The platform's chain and token, opened on first use (the embedded chain creates its mint then). */
export function getPlatform(): Promise<Platform> {
  global.__pairwisePlatform ??= openPlatform(chainConfigFromEnv(process.env, env.DATA_DIR)).catch((error) => {
    global.__pairwisePlatform = undefined;
    throw error;
  });
  return global.__pairwisePlatform;
}

export async function closePlatform() {
  const platform = global.__pairwisePlatform;
  global.__pairwisePlatform = undefined;
  if (platform) await (await platform).close();
}

export async function payoutContext(): Promise<PayoutContext> {
  const { chain, token } = await getPlatform();
  return { db, chain, token };
}

export async function redeemContext(): Promise<RedeemContext> {
  const { chain, token } = await getPlatform();
  return { db, chain, token, creditsPerToken: BigInt(env.CREDITS_PER_TOKEN) };
}

/** What the treasury holds on chain: the platform's tokens, and SOL (lamports) for fees and rent. */
export async function treasuryBalances(): Promise<{ tokens: bigint; lamports: bigint }> {
  const { chain, token } = await getPlatform();
  const [tokens, lamports] = await Promise.all([chain.getTokenBalance(token.treasuryTokenAccount), chain.getBalance(token.treasury.publicKey)]);
  return { tokens, lamports };
}
