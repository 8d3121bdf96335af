/** Solana clusters, as Sign-In-With-Solana chain ids and (prefixed "solana:") Wallet Standard chains name them. */
export const SOLANA_CLUSTERS = ["mainnet", "devnet", "testnet", "localnet"] as const;
export type SolanaCluster = (typeof SOLANA_CLUSTERS)[number];
export type WalletStandardChain = `solana:${SolanaCluster}`;

export const WALLET_STANDARD_CHAINS = SOLANA_CLUSTERS.map((cluster): WalletStandardChain => `solana:${cluster}`);

/** The public cluster an RPC endpoint serves, told from its URL; null for any other endpoint (a local or private node). */
export function publicClusterOf(rpcUrl: string): Exclude<SolanaCluster, "localnet"> | null {
  if (/devnet/.test(rpcUrl)) return "devnet";
  if (/testnet/.test(rpcUrl)) return "testnet";
  if (/mainnet/.test(rpcUrl)) return "mainnet";
  return null;
}
