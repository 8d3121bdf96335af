import { chainConfig, env } from "../../config/env.ts";
import { createServices, type Services } from "../../jobs/services.ts";
import { openPlatform, type Platform } from "../../reward/tokens/chain/platform.ts";
import { db } from "./db.server.ts";
import type { TokenDisplay } from "./tokens.ts";

declare global {
  var __pairwisePlatform: Promise<Platform> | undefined;

  var __pairwiseServices: Services | undefined;
}

/** The platform's chain and token, opened on first use and kept across dev-server reloads. */
export function getPlatform(): Promise<Platform> {
  global.__pairwisePlatform ??= openPlatform(chainConfig(env)).catch((error) => {
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

/** This process's services (database, chain, model scorers) for routes and the background worker. */
export const services: Services = (global.__pairwiseServices ??= createServices(db, env, { platform: getPlatform }));

/** What the treasury holds on chain: the platform's tokens, and SOL (lamports) for fees and rent. */
export async function treasuryBalances(): Promise<{ tokens: bigint; lamports: bigint }> {
  const { chain, token } = await getPlatform();
  const [tokens, lamports] = await Promise.all([
    chain.getTokenBalance(token.treasuryTokenAccount),
    chain.getBalance(token.treasury.publicKey),
  ]);
  return { tokens, lamports };
}

/** How this deployment shows amounts: the mint's decimals and the configured symbol. */
export async function tokenDisplay(): Promise<TokenDisplay> {
  const { token } = await getPlatform();
  return { decimals: token.decimals, symbol: env.TOKEN_SYMBOL };
}
