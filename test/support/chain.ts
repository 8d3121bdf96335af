import { Keypair } from "@solana/web3.js";
import { LiteSvmChain } from "../../reward/tokens/chain/litesvm.ts";
import { ensurePlatformMint, type PlatformToken } from "../../reward/tokens/chain/setup.ts";

/** The embedded chain in memory with a fresh 6-decimal mint and a treasury holding 10⁹ tokens and 100 SOL. */
export async function inMemoryChain(): Promise<{ chain: LiteSvmChain; token: PlatformToken }> {
  const chain = LiteSvmChain.open();
  const token = await ensurePlatformMint(chain, {
    treasury: Keypair.generate(),
    mint: Keypair.generate(),
    decimals: 6,
    initialSupply: 10n ** 15n,
    treasuryLamports: 100_000_000_000n,
  });
  return { chain, token };
}
