import path from "node:path";
import { PublicKey } from "@solana/web3.js";
import { publicClusterOf } from "./clusters.ts";
import { loadKeypairFile, loadOrCreateKeypairFile } from "./keypair-file.ts";
import { LiteSvmChain } from "./litesvm.ts";
import { RpcChain } from "./rpc.ts";
import { ensurePlatformMint, type PlatformToken } from "./setup.ts";
import { ChainError, type ChainAdapter } from "./types.ts";

export interface ChainConfig {
  /** Where the embedded chain and its keys live (./data by default). */
  dataDir: string;
  /** Any Solana JSON-RPC endpoint; when set, the embedded chain is not used. */
  rpcUrl?: string;
  /** RPC mode: the existing platform mint. */
  mint?: string;
  /** RPC mode: the treasury's keypair file (solana-keygen format); embedded: defaults to <dataDir>/chain/treasury.json. */
  treasuryKeypairPath?: string;
  decimals: number;
  /** Embedded chain: base units minted to the treasury when the mint is created. */
  initialSupply: bigint;
}

export interface Platform {
  chain: ChainAdapter;
  token: PlatformToken;
  kind: "embedded" | "rpc";
  /** Where explorers show a signature (the cluster parameter for devnet and friends). */
  explorerUrl(signature: string): string | null;
  close(): Promise<void>;
}

/**
 * Opens the platform's chain: LiteSVM in this process with its state under <dataDir>/chain (creating the mint and
 * the treasury on first start), or an RPC endpoint with an existing mint and a treasury keypair file.
 */
export async function openPlatform(config: ChainConfig): Promise<Platform> {
  if (config.rpcUrl) {
    if (!config.mint)
      throw new ChainError("SOLANA_RPC_URL is set but PAIRWISE_MINT (the platform mint's address) is not");
    if (!config.treasuryKeypairPath)
      throw new ChainError("SOLANA_RPC_URL is set but TREASURY_KEYPAIR (a keypair file path) is not");
    const chain = new RpcChain({ url: config.rpcUrl, commitment: "confirmed" });
    const treasury = await loadKeypairFile(config.treasuryKeypairPath);
    const token = await ensurePlatformMint(chain, {
      treasury,
      mint: new PublicKey(config.mint),
      decimals: config.decimals,
    });
    const cluster = publicClusterOf(config.rpcUrl);
    return {
      chain,
      token,
      kind: "rpc",
      explorerUrl: (sig) =>
        cluster === null
          ? `https://explorer.solana.com/tx/${sig}?cluster=custom&customUrl=${encodeURIComponent(config.rpcUrl!)}`
          : `https://explorer.solana.com/tx/${sig}${cluster === "mainnet" ? "" : `?cluster=${cluster}`}`,
      close: () => chain.close(),
    };
  }
  const dir = path.join(config.dataDir, "chain");
  const chain = LiteSvmChain.open({ snapshotPath: path.join(dir, "litesvm.json") });
  try {
    const { keypair: treasury } = config.treasuryKeypairPath
      ? { keypair: await loadKeypairFile(config.treasuryKeypairPath) }
      : await loadOrCreateKeypairFile(path.join(dir, "treasury.json"));
    const { keypair: mint } = await loadOrCreateKeypairFile(path.join(dir, "mint.json"));
    const token = await ensurePlatformMint(chain, {
      treasury,
      mint,
      decimals: config.decimals,
      initialSupply: config.initialSupply,
      treasuryLamports: 100_000_000_000n,
    });
    return { chain, token, kind: "embedded", explorerUrl: () => null, close: () => chain.close() };
  } catch (error) {
    await chain.close();
    throw error;
  }
}

/** Chain settings from the environment, shared by the app and the CLI. */
export function chainConfigFromEnv(env: NodeJS.ProcessEnv, dataDir: string): ChainConfig {
  const decimals = Number(env.TOKEN_DECIMALS ?? 6);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 12)
    throw new ChainError(`TOKEN_DECIMALS must be 0–12, got ${env.TOKEN_DECIMALS}`);
  const supply = env.TREASURY_INITIAL_SUPPLY ?? (10n ** BigInt(9 + decimals)).toString();
  if (!/^\d+$/.test(supply)) throw new ChainError("TREASURY_INITIAL_SUPPLY must be a whole number of base units");
  return {
    dataDir,
    rpcUrl: env.SOLANA_RPC_URL || undefined,
    mint: env.PAIRWISE_MINT || undefined,
    treasuryKeypairPath: env.TREASURY_KEYPAIR || undefined,
    decimals,
    initialSupply: BigInt(supply),
  };
}
