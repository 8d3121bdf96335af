import {
  Connection,
  PublicKey,
  SendTransactionError,
  SolanaJSONRPCError,
  VersionedTransaction,
  type AccountInfo,
} from "@solana/web3.js";
import bs58 from "bs58";
import {
  AccountNotFoundError,
  ChainError,
  ChainUnavailableError,
  TransactionRejectedError,
  type AccountState,
  type ChainAdapter,
  type ChainTransaction,
  type LatestBlockhash,
  type RejectReason,
  type SendOptions,
  type SendResult,
  type SignatureStatus,
  type SimulationResult,
  type TransactionErrorJson,
} from "./types.ts";
import { decodeWireTransaction } from "./wire.ts";

export interface RpcChainOptions {
  url: string;
  /** Commitment of blockhashes, heights, balances and account reads. "finalized" never sees state that can roll back. */
  commitment?: "confirmed" | "finalized";
  httpHeaders?: Record<string, string>;
}

const STATUSES_PER_REQUEST = 256;
const ACCOUNTS_PER_REQUEST = 100;

// Agave reports why it refused a transaction only in the message text (web3.js keeps no error code).
const REJECTIONS: Array<[RegExp, RejectReason]> = [
  [/blockhash not found/i, "blockhash-expired"],
  [/signature verification fail/i, "signature-invalid"],
  [/insufficient funds for fee|no record of a prior credit/i, "insufficient-funds-for-fee"],
  [/too large/i, "too-large"],
  [/failed to deserialize|sanitize/i, "malformed"],
];

function chainError(error: unknown): ChainError {
  if (error instanceof ChainError) return error;
  if (error instanceof SolanaJSONRPCError) return new ChainError(error.message);
  return new ChainUnavailableError(`RPC request failed: ${(error as Error).message}`);
}

function accountState(info: AccountInfo<Buffer> | null): AccountState | null {
  return (
    info && {
      lamports: BigInt(info.lamports),
      owner: info.owner,
      data: new Uint8Array(info.data),
      executable: info.executable,
    }
  );
}

/** Any Solana JSON-RPC endpoint (local validator, devnet, mainnet) through web3.js's Connection. */
export class RpcChain implements ChainAdapter {
  readonly connection: Connection;
  private readonly commitment: "confirmed" | "finalized";

  constructor(options: RpcChainOptions) {
    this.commitment = options.commitment ?? "confirmed";
    this.connection = new Connection(options.url, { commitment: this.commitment, httpHeaders: options.httpHeaders });
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw chainError(error);
    }
  }

  async getLatestBlockhash(): Promise<LatestBlockhash> {
    const { blockhash, lastValidBlockHeight } = await this.call(() =>
      this.connection.getLatestBlockhash(this.commitment),
    );
    return { blockhash, lastValidBlockHeight: BigInt(lastValidBlockHeight) };
  }

  async getBlockHeight(): Promise<bigint> {
    return BigInt(await this.call(() => this.connection.getBlockHeight(this.commitment)));
  }

  async getSlot(): Promise<bigint> {
    return BigInt(await this.call(() => this.connection.getSlot(this.commitment)));
  }

  async sendRawTransaction(wire: Uint8Array, options: SendOptions = {}): Promise<SendResult> {
    const signature = bs58.encode(decodeWireTransaction(wire).signatures[0]);
    try {
      await this.connection.sendRawTransaction(wire, {
        skipPreflight: options.skipPreflight,
        preflightCommitment: this.commitment,
      });
      return { signature, alreadyProcessed: false };
    } catch (error) {
      if (!(error instanceof SendTransactionError)) throw chainError(error);
      const { message, logs } = error.transactionError;
      if (/already been processed/i.test(message)) return { signature, alreadyProcessed: true };
      const reason =
        REJECTIONS.find(([pattern]) => pattern.test(message))?.[1] ??
        (options.skipPreflight ? "invalid" : "simulation-failed");
      // Once its blockhash is gone the node no longer remembers having seen these bytes: ask the history.
      if (reason === "blockhash-expired" && (await this.getSignatureStatuses([signature]))[0])
        return { signature, alreadyProcessed: true };
      throw new TransactionRejectedError(reason, message, null, logs ?? []);
    }
  }

  async simulateTransaction(wire: Uint8Array): Promise<SimulationResult> {
    const tx = decodeWireTransaction(wire);
    const { value } = await this.call(() =>
      this.connection.simulateTransaction(tx, { sigVerify: false, commitment: this.commitment }),
    );
    return {
      err: (value.err as TransactionErrorJson | null) ?? null,
      unitsConsumed: value.unitsConsumed ?? 0,
      logs: value.logs ?? [],
    };
  }

  async getSignatureStatuses(signatures: string[]): Promise<Array<SignatureStatus | null>> {
    const statuses: Array<SignatureStatus | null> = [];
    for (let i = 0; i < signatures.length; i += STATUSES_PER_REQUEST) {
      const chunk = signatures.slice(i, i + STATUSES_PER_REQUEST);
      const { value } = await this.call(() =>
        this.connection.getSignatureStatuses(chunk, { searchTransactionHistory: true }),
      );
      for (const status of value) {
        statuses.push(
          status && {
            slot: BigInt(status.slot),
            err: (status.err as TransactionErrorJson | null) ?? null,
            confirmationStatus:
              status.confirmationStatus ?? (status.confirmations === null ? "finalized" : "confirmed"),
          },
        );
      }
    }
    return statuses;
  }

  async getTransaction(signature: string): Promise<ChainTransaction | null> {
    const response = await this.call(() =>
      this.connection.getTransaction(signature, { commitment: "confirmed", maxSupportedTransactionVersion: 0 }),
    );
    if (!response) return null;
    const [status] = await this.getSignatureStatuses([signature]);
    const { message, signatures } = response.transaction;
    return {
      signature,
      slot: BigInt(response.slot),
      err: (response.meta?.err as TransactionErrorJson | null) ?? null,
      confirmationStatus: status?.confirmationStatus ?? "confirmed",
      transaction: new VersionedTransaction(
        message,
        signatures.map((s) => bs58.decode(s)),
      ),
      loadedAddresses: response.meta?.loadedAddresses ?? { writable: [], readonly: [] },
      fee: BigInt(response.meta?.fee ?? 0),
    };
  }

  async getAccountInfo(address: PublicKey): Promise<AccountState | null> {
    return accountState(await this.call(() => this.connection.getAccountInfo(address, this.commitment)));
  }

  async getMultipleAccountsInfo(addresses: PublicKey[]): Promise<Array<AccountState | null>> {
    const states: Array<AccountState | null> = [];
    for (let i = 0; i < addresses.length; i += ACCOUNTS_PER_REQUEST) {
      const chunk = addresses.slice(i, i + ACCOUNTS_PER_REQUEST);
      const infos = await this.call(() => this.connection.getMultipleAccountsInfo(chunk, this.commitment));
      states.push(...infos.map(accountState));
    }
    return states;
  }

  async getBalance(address: PublicKey): Promise<bigint> {
    return BigInt(await this.call(() => this.connection.getBalance(address, this.commitment)));
  }

  async getTokenBalance(tokenAccount: PublicKey): Promise<bigint> {
    try {
      const { value } = await this.connection.getTokenAccountBalance(tokenAccount, this.commitment);
      return BigInt(value.amount);
    } catch (error) {
      if (error instanceof SolanaJSONRPCError && /could not find account/i.test(error.message)) {
        throw new AccountNotFoundError(`token account ${tokenAccount.toBase58()} does not exist`);
      }
      throw chainError(error);
    }
  }

  async getMinimumBalanceForRentExemption(size: number): Promise<bigint> {
    return BigInt(await this.call(() => this.connection.getMinimumBalanceForRentExemption(size, this.commitment)));
  }

  async close(): Promise<void> {}
}
