import type { PublicKey, VersionedTransaction } from "@solana/web3.js";

export type Commitment = "processed" | "confirmed" | "finalized";

/** A transaction error in the JSON shape of Solana RPC: "BlockhashNotFound", { InstructionError: [0, { Custom: 1 }] }, … */
export type TransactionErrorJson = string | { [kind: string]: unknown };

export interface LatestBlockhash {
  blockhash: string;
  /** The transaction is refused once the block height passes this. */
  lastValidBlockHeight: bigint;
}

export interface SendOptions {
  /** Let a transaction that fails execution land (and pay its fee) instead of refusing it after simulation. */
  skipPreflight?: boolean;
}

export interface SendResult {
  signature: string;
  /**
   * The same bytes had landed before; nothing was executed again. Over RPC only a preflight can tell: with
   * skipPreflight a node accepts known bytes silently (and drops them), so this stays false.
   */
  alreadyProcessed: boolean;
}

export interface SimulationResult {
  err: TransactionErrorJson | null;
  unitsConsumed: number;
  logs: string[];
}

export interface SignatureStatus {
  slot: bigint;
  /** Set when the transaction landed but failed: its fee was paid, nothing else happened. */
  err: TransactionErrorJson | null;
  confirmationStatus: Commitment;
}

export interface AccountState {
  lamports: bigint;
  owner: PublicKey;
  data: Uint8Array;
  executable: boolean;
}

/** Addresses a v0 transaction loaded from address lookup tables, in the order its account indexes use. */
export interface LoadedAddresses {
  writable: PublicKey[];
  readonly: PublicKey[];
}

/** A landed transaction as the chain recorded it: enough to decode its instructions without trusting logs. */
export interface ChainTransaction {
  signature: string;
  slot: bigint;
  err: TransactionErrorJson | null;
  confirmationStatus: Commitment;
  /** Message and signatures; `serialize()` gives the wire bytes that were sent. */
  transaction: VersionedTransaction;
  loadedAddresses: LoadedAddresses;
  fee: bigint;
}

/**
 * What the platform needs from a Solana cluster. Transactions go in as signed wire bytes, so a caller can store
 * exactly what it sent and rebroadcast the same bytes after a crash. Slots and heights are bigint, amounts are
 * base units (bigint).
 */
export interface ChainAdapter {
  getLatestBlockhash(): Promise<LatestBlockhash>;
  getBlockHeight(): Promise<bigint>;
  getSlot(): Promise<bigint>;
  /**
   * Submits signed wire bytes. Resolves once the cluster accepted them (on the embedded chain: once they landed and
   * were saved). Bytes that already landed resolve with `alreadyProcessed` and are not executed again. Throws
   * TransactionRejectedError when the transaction was not executed, ChainUnavailableError when the outcome is unknown.
   */
  sendRawTransaction(wire: Uint8Array, options?: SendOptions): Promise<SendResult>;
  /** Runs the transaction without landing it; signatures are not checked, so unsigned bytes work. */
  simulateTransaction(wire: Uint8Array): Promise<SimulationResult>;
  /** null for a signature the cluster has never seen land. */
  getSignatureStatuses(signatures: string[]): Promise<Array<SignatureStatus | null>>;
  getTransaction(signature: string): Promise<ChainTransaction | null>;
  getAccountInfo(address: PublicKey): Promise<AccountState | null>;
  getMultipleAccountsInfo(addresses: PublicKey[]): Promise<Array<AccountState | null>>;
  getBalance(address: PublicKey): Promise<bigint>;
  /** Token balance in base units; AccountNotFoundError when the token account does not exist. */
  getTokenBalance(tokenAccount: PublicKey): Promise<bigint>;
  getMinimumBalanceForRentExemption(size: number): Promise<bigint>;
  /** Only where lamports can be made out of nothing (the embedded chain, a local validator). */
  requestAirdrop?(address: PublicKey, lamports: bigint): Promise<void>;
  close(): Promise<void>;
}

export class ChainError extends Error {
  override name = "ChainError";
}

/** The cluster could not be reached or did not answer: a transaction sent may or may not have landed. */
export class ChainUnavailableError extends ChainError {
  override name = "ChainUnavailableError";
}

export type RejectReason =
  | "blockhash-expired"
  | "signature-invalid"
  | "insufficient-funds-for-fee"
  | "too-large"
  | "malformed"
  | "simulation-failed"
  | "invalid";

/** The cluster refused the transaction: it was not executed and paid no fee. */
export class TransactionRejectedError extends ChainError {
  override name = "TransactionRejectedError";
  constructor(
    readonly reason: RejectReason,
    message: string,
    readonly transactionError: TransactionErrorJson | null = null,
    readonly logs: string[] = [],
  ) {
    super(message);
  }
}

export class AccountNotFoundError extends ChainError {
  override name = "AccountNotFoundError";
}

/** The embedded chain's state files are unreadable, locked by another process, or could not be written. */
export class ChainStateError extends ChainError {
  override name = "ChainStateError";
}

/** A transaction did not reach the wanted commitment before its blockhash expired, or landed with an error. */
export class ConfirmationError extends ChainError {
  override name = "ConfirmationError";
  constructor(
    message: string,
    readonly signature: string,
    readonly transactionError: TransactionErrorJson | null = null,
  ) {
    super(message);
  }
}
