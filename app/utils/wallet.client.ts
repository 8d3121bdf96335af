// Browser side of wallet linking and redemptions: finds Wallet Standard wallets that can sign for Solana,
// connects one, and signs what the server prepared (a SIWS message, a serialized transaction).
import {
  SolanaSignMessage,
  SolanaSignTransaction,
  type SolanaSignMessageFeature,
  type SolanaSignTransactionFeature,
} from "@solana/wallet-standard-features";
import { getWallets } from "@wallet-standard/app";
import type { Wallet, WalletAccount, WalletWithFeatures } from "@wallet-standard/base";
import { StandardConnect, type StandardConnectFeature } from "@wallet-standard/features";
import bs58 from "bs58";
import type { WalletStandardChain } from "../../reward/tokens/chain/clusters.ts";

export type SolanaWallet = WalletWithFeatures<
  StandardConnectFeature & SolanaSignMessageFeature & Partial<SolanaSignTransactionFeature>
>;

export interface WalletConnection {
  wallet: SolanaWallet;
  account: WalletAccount;
  /** base58 public key */
  address: string;
}

export class WalletError extends Error {
  override name = "WalletError";
}

function isSolanaWallet(wallet: Wallet): wallet is SolanaWallet {
  return (
    wallet.chains.some((chain) => chain.startsWith("solana:")) &&
    StandardConnect in wallet.features &&
    SolanaSignMessage in wallet.features
  );
}

export function canSignTransactions(wallet: SolanaWallet): boolean {
  return SolanaSignTransaction in wallet.features;
}

/** Installed wallets that can connect and sign messages for Solana (the first call announces the app to wallets). */
export function detectSolanaWallets(): SolanaWallet[] {
  return getWallets().get().filter(isSolanaWallet);
}

/** Calls `onChange` with the current list whenever a wallet registers or unregisters; returns the unsubscribe function. */
export function watchSolanaWallets(onChange: (wallets: SolanaWallet[]) => void): () => void {
  const wallets = getWallets();
  const update = () => onChange(detectSolanaWallets());
  const offRegister = wallets.on("register", update);
  const offUnregister = wallets.on("unregister", update);
  return () => {
    offRegister();
    offUnregister();
  };
}

/** Asks the wallet for access (the wallet shows its own prompt) and picks its first account that can sign messages. */
export async function connectWallet(wallet: SolanaWallet): Promise<WalletConnection> {
  const { accounts } = await wallet.features[StandardConnect].connect();
  const account = accounts.find((a) => a.features.includes(SolanaSignMessage));
  if (!account) throw new WalletError(`${wallet.name} gave no account that can sign messages.`);
  return { wallet, account, address: account.address };
}

/** Signs the SIWS message text exactly as the server sent it (its UTF-8 bytes). */
export async function signSiwsMessage(
  connection: WalletConnection,
  message: string,
): Promise<{ address: string; signature: string }> {
  const bytes = new TextEncoder().encode(message);
  const [output] = await connection.wallet.features[SolanaSignMessage].signMessage({
    account: connection.account,
    message: bytes,
  });
  if (!output) throw new WalletError(`${connection.wallet.name} returned no signature.`);
  if (!sameBytes(output.signedMessage, bytes))
    throw new WalletError(
      `${connection.wallet.name} changed the message before signing it, so the server cannot verify it.`,
    );
  return { address: connection.address, signature: bs58.encode(output.signature) };
}

/** Signs a serialized (legacy or v0) transaction built by the server; returns the signed wire bytes. */
export async function signTransaction(
  connection: WalletConnection,
  transaction: Uint8Array,
  chain?: WalletStandardChain,
): Promise<Uint8Array> {
  const feature = connection.wallet.features[SolanaSignTransaction];
  if (!feature || !connection.account.features.includes(SolanaSignTransaction))
    throw new WalletError(`${connection.wallet.name} cannot sign transactions; connect another wallet.`);
  const [output] = await feature.signTransaction({ account: connection.account, transaction, chain });
  if (!output) throw new WalletError(`${connection.wallet.name} returned no signed transaction.`);
  return output.signedTransaction;
}

export function base64ToBytes(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
