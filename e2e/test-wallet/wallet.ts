// "Pairwise Test Wallet": a Wallet Standard wallet with one fixed ed25519 key, injected into Playwright pages.
// It approves every request at once, so tests drive the real wallet flow without an extension or a prompt.
import { ed25519 } from "@noble/curves/ed25519";
import {
  SolanaSignMessage,
  SolanaSignTransaction,
  type SolanaSignMessageFeature,
  type SolanaSignMessageInput,
  type SolanaSignMessageOutput,
  type SolanaSignTransactionFeature,
  type SolanaSignTransactionInput,
  type SolanaSignTransactionOutput,
} from "@solana/wallet-standard-features";
import type { Wallet, WalletAccount } from "@wallet-standard/base";
import {
  StandardConnect,
  StandardEvents,
  type StandardConnectFeature,
  type StandardEventsFeature,
  type StandardEventsListeners,
} from "@wallet-standard/features";
import bs58 from "bs58";
import { WALLET_STANDARD_CHAINS } from "../../reward/tokens/chain/clusters.ts";
import { registerWallet } from "./register.ts";
import { signWireTransaction } from "./sign-transaction.ts";

export const TEST_WALLET_NAME = "Pairwise Test Wallet";

const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#3856d8"/><path d="M9 23V9h7a4.5 4.5 0 0 1 0 9h-7" fill="none" stroke="#fff" stroke-width="3"/></svg>';

type TestWalletFeatures = StandardConnectFeature &
  StandardEventsFeature &
  SolanaSignMessageFeature &
  SolanaSignTransactionFeature;

export function seedFromHex(seedHex: string): Uint8Array {
  if (!/^[0-9a-fA-F]{64}$/.test(seedHex)) throw new Error("the test wallet seed must be 32 bytes as 64 hex digits");
  return Uint8Array.from(seedHex.match(/../g)!, (pair) => parseInt(pair, 16));
}

export function testWalletAddress(seedHex: string): string {
  return bs58.encode(ed25519.getPublicKey(seedFromHex(seedHex)));
}

class PairwiseTestWallet implements Wallet {
  readonly version = "1.0.0" as const;
  readonly name = TEST_WALLET_NAME;
  readonly icon = `data:image/svg+xml;base64,${btoa(ICON_SVG)}` as const;
  readonly chains = WALLET_STANDARD_CHAINS;
  readonly features: TestWalletFeatures;
  readonly #secretKey: Uint8Array;
  readonly #account: WalletAccount;
  #accounts: readonly WalletAccount[] = [];
  readonly #listeners = new Set<StandardEventsListeners["change"]>();

  constructor(secretKey: Uint8Array) {
    this.#secretKey = secretKey;
    const publicKey = ed25519.getPublicKey(secretKey);
    this.#account = Object.freeze({
      address: bs58.encode(publicKey),
      publicKey,
      chains: WALLET_STANDARD_CHAINS,
      features: [SolanaSignMessage, SolanaSignTransaction] as const,
    });
    this.features = Object.freeze({
      [StandardConnect]: { version: "1.0.0", connect: this.#connect },
      [StandardEvents]: { version: "1.0.0", on: this.#on },
      [SolanaSignMessage]: { version: "1.1.0", signMessage: this.#signMessage },
      [SolanaSignTransaction]: {
        version: "1.0.0",
        supportedTransactionVersions: ["legacy", 0],
        signTransaction: this.#signTransaction,
      },
    });
  }

  get accounts() {
    return this.#accounts;
  }

  #connect = async () => {
    if (this.#accounts.length === 0) {
      this.#accounts = [this.#account];
      for (const listener of this.#listeners) listener({ accounts: this.#accounts });
    }
    return { accounts: this.#accounts };
  };

  #on: StandardEventsFeature[typeof StandardEvents]["on"] = (_event, listener) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #signMessage = async (...inputs: readonly SolanaSignMessageInput[]): Promise<SolanaSignMessageOutput[]> =>
    inputs.map(({ account, message }) => {
      this.#assertOwnAccount(account);
      return { signedMessage: message, signature: ed25519.sign(message, this.#secretKey), signatureType: "ed25519" };
    });

  #signTransaction = async (...inputs: readonly SolanaSignTransactionInput[]): Promise<SolanaSignTransactionOutput[]> =>
    inputs.map(({ account, transaction }) => {
      this.#assertOwnAccount(account);
      return { signedTransaction: signWireTransaction(transaction, this.#secretKey) };
    });

  #assertOwnAccount(account: WalletAccount) {
    if (!this.#accounts.some((a) => a.address === account.address))
      throw new Error(`${TEST_WALLET_NAME} has not connected account ${account.address}`);
  }
}

/** Runs in the page (see testWalletInitScript): creates the wallet for `seedHex` and registers it with the app. */
export function installTestWallet(seedHex: string): void {
  registerWallet(new PairwiseTestWallet(seedFromHex(seedHex)));
}
