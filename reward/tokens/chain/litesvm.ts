import { createHash, randomBytes } from "node:crypto";
import { Clock, FailedTransactionMetadata, LiteSVM } from "litesvm";
import {
  address as kitAddress,
  getTransactionDecoder,
  lamports as kitLamports,
  type Signature,
  type Transaction,
} from "@solana/kit";
import { AddressLookupTableAccount, PACKET_DATA_SIZE, PublicKey, VersionedTransaction } from "@solana/web3.js";
import bs58 from "bs58";
import { transactionFee } from "./fees.ts";
import { transactionErrorJson } from "./litesvm-errors.ts";
import { ChainStateFiles, type ChainState, type StoredAccount, type StoredTransaction } from "./litesvm-state.ts";
import { decodeTokenAccount } from "./token-accounts.ts";
import {
  AccountNotFoundError,
  ChainError,
  ChainStateError,
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

/** Blocks for which a blockhash stays usable, as on Solana (MAX_PROCESSING_AGE). */
export const BLOCKHASH_VALIDITY = 150n;
const SLOT_HASHES_KEPT = 512;
const MILLISECONDS_PER_SLOT = 400n;

// Accounts that LiteSVM itself provides on start; storing them would only pin old program versions.
const NOT_STORED_OWNERS = new Set([
  "Sysvar1111111111111111111111111111111111111",
  "NativeLoader1111111111111111111111111111111",
  "BPFLoaderUpgradeab1e11111111111111111111111",
  "BPFLoader2111111111111111111111111111111111",
  "BPFLoader1111111111111111111111111111111111",
]);

export interface LiteSvmChainOptions {
  /** Where the chain is kept (JSON snapshot, with `.journal` and `.lock` beside it). Omit for a chain in memory. */
  snapshotPath?: string;
  /** Slots a landed transaction waits before it counts as finalized (0: at once). */
  finalityDepth?: number;
  /** Journal entries after which the snapshot is rewritten. */
  compactEvery?: number;
}

function rejectReason(err: TransactionErrorJson, preflight: boolean): RejectReason {
  switch (err) {
    case "BlockhashNotFound":
      return "blockhash-expired";
    case "SignatureFailure":
    case "MissingSignatureForFee":
      return "signature-invalid";
    case "InsufficientFundsForFee":
    case "AccountNotFound":
    case "InvalidAccountForFee":
      return "insufficient-funds-for-fee";
    case "SanitizeFailure":
      return "malformed";
    default:
      return preflight ? "simulation-failed" : "invalid";
  }
}

/**
 * The embedded chain: LiteSVM in this process, running the real SPL Token, Associated Token, Memo, Address Lookup
 * Table and Compute Budget programs.
 *
 * Time: one slot is one block; every landed transaction ends its slot, and `advance(n)` skips ahead. A blockhash is
 * the hash of the slot it was issued in and is accepted for 150 blocks, as on Solana (LiteSVM itself would accept
 * only the latest one, so its own check is off). The SlotHashes sysvar follows, so lookup tables can be created.
 *
 * Durability: with a snapshot path, every change (landed transaction, airdrop, advance) is appended to the journal
 * and fsynced before the call returns, so what a caller saw succeed survives a SIGKILL. One process owns the files.
 */
export class LiteSvmChain implements ChainAdapter {
  private readonly svm: LiteSVM;
  private readonly files: ChainStateFiles | null;
  private readonly finalityDepth: bigint;
  private readonly compactEvery: number;
  private readonly seed: string;
  private readonly genesisUnixTimestamp: bigint;
  private slot = 0n;
  /** Newest first: the hashes of the slots before the current one. */
  private recentSlotHashes: Array<{ slot: bigint; hash: string }> = [];
  private readonly slotOfBlockhash = new Map<string, bigint>();
  private readonly tracked = new Set<string>();
  private readonly history = new Map<string, StoredTransaction>();
  private seq = 0;
  private journalEntries = 0;
  private failure: Error | null = null;
  private closed = false;
  private readonly decoder = getTransactionDecoder();

  private constructor(
    options: LiteSvmChainOptions,
    restored: ChainState | null,
    files: ChainStateFiles | null,
    seq: number,
  ) {
    this.files = files;
    this.finalityDepth = BigInt(options.finalityDepth ?? 0);
    this.compactEvery = options.compactEvery ?? 1000;
    this.svm = new LiteSVM().withBlockhashCheck(false);
    this.seed = restored?.seed ?? randomBytes(16).toString("hex");
    this.genesisUnixTimestamp = restored?.genesisUnixTimestamp ?? BigInt(Math.floor(Date.now() / 1000));
    this.seq = seq;
    for (const [address, account] of restored?.accounts ?? []) this.writeAccount(address, account);
    for (const tx of restored?.transactions ?? []) this.history.set(tx.signature, tx);
    this.warpTo(restored?.slot ?? 1n);
  }

  /** Opens the chain at `snapshotPath` (restoring it, or starting a new one), or an in-memory chain without a path. */
  static open(options: LiteSvmChainOptions = {}): LiteSvmChain {
    if (!options.snapshotPath) return new LiteSvmChain(options, null, null, 0);
    const files = new ChainStateFiles(options.snapshotPath);
    files.lock();
    try {
      const loaded = files.load();
      const chain = new LiteSvmChain(options, loaded?.state ?? null, files, loaded?.seq ?? 0);
      if (!loaded || loaded.replayed > 0) chain.save();
      return chain;
    } catch (error) {
      files.unlock();
      throw error;
    }
  }

  /** Ends `slots` blocks without transactions (blockhashes age, lookup table extensions become usable). */
  advance(slots = 1): void {
    this.assertUsable();
    this.warpTo(this.slot + BigInt(slots));
    this.record(new Map());
  }

  async requestAirdrop(address: PublicKey, lamports: bigint): Promise<void> {
    this.assertUsable();
    const result = this.svm.airdrop(kitAddress(address.toBase58()), kitLamports(lamports));
    if (!result || result instanceof FailedTransactionMetadata) {
      throw new ChainError(
        `airdrop to ${address.toBase58()} failed: ${JSON.stringify(result && transactionErrorJson(result.err()))}`,
      );
    }
    this.tracked.add(address.toBase58());
    this.record(this.snapshotAccounts([address.toBase58()]));
  }

  async getLatestBlockhash(): Promise<LatestBlockhash> {
    this.assertUsable();
    return { blockhash: this.blockhashOf(this.slot), lastValidBlockHeight: this.slot + BLOCKHASH_VALIDITY };
  }

  async getBlockHeight(): Promise<bigint> {
    this.assertUsable();
    return this.slot;
  }

  async getSlot(): Promise<bigint> {
    this.assertUsable();
    return this.slot;
  }

  async sendRawTransaction(wire: Uint8Array, options: SendOptions = {}): Promise<SendResult> {
    this.assertUsable();
    const tx = this.deserialize(wire);
    const signature = bs58.encode(tx.signatures[0]);
    if (this.history.has(signature)) return { signature, alreadyProcessed: true };
    this.assertBlockhashValid(tx);
    const native = this.decode(wire);
    if (!options.skipPreflight) {
      const simulation = this.simulate(native, true);
      if (simulation.err !== null) {
        const reason = rejectReason(simulation.err, true);
        throw new TransactionRejectedError(
          reason,
          `transaction refused in simulation: ${JSON.stringify(simulation.err)}`,
          simulation.err,
          simulation.logs,
        );
      }
    }
    const loaded = this.resolveLookups(tx);
    let result;
    try {
      result = this.svm.sendTransaction(native);
    } catch (error) {
      throw new TransactionRejectedError("signature-invalid", (error as Error).message);
    }
    const err = result instanceof FailedTransactionMetadata ? transactionErrorJson(result.err()) : null;
    if (err !== null && this.svm.getTransaction(signature as Signature) === null) {
      throw new TransactionRejectedError(rejectReason(err, false), `transaction refused: ${JSON.stringify(err)}`, err);
    }
    const stored: StoredTransaction = {
      signature,
      slot: this.slot,
      err,
      fee: transactionFee(tx.message),
      wire: Uint8Array.from(wire),
      loadedWritable: loaded.writable,
      loadedReadonly: loaded.readonly,
    };
    const touched = [...tx.message.staticAccountKeys.map((k) => k.toBase58()), ...loaded.writable, ...loaded.readonly];
    for (const address of touched) this.tracked.add(address);
    this.history.set(signature, stored);
    this.warpTo(this.slot + 1n);
    this.record(this.snapshotAccounts(touched), stored);
    return { signature, alreadyProcessed: false };
  }

  async simulateTransaction(wire: Uint8Array): Promise<SimulationResult> {
    this.assertUsable();
    const tx = this.deserialize(wire);
    if (!this.blockhashIsValid(tx.message.recentBlockhash))
      return { err: "BlockhashNotFound", unitsConsumed: 0, logs: [] };
    return this.simulate(this.decode(wire), false);
  }

  async getSignatureStatuses(signatures: string[]): Promise<Array<SignatureStatus | null>> {
    this.assertUsable();
    return signatures.map((signature) => {
      const tx = this.history.get(signature);
      return tx ? { slot: tx.slot, err: tx.err, confirmationStatus: this.confirmationOf(tx.slot) } : null;
    });
  }

  async getTransaction(signature: string): Promise<ChainTransaction | null> {
    this.assertUsable();
    const tx = this.history.get(signature);
    if (!tx) return null;
    return {
      signature,
      slot: tx.slot,
      err: tx.err,
      confirmationStatus: this.confirmationOf(tx.slot),
      transaction: VersionedTransaction.deserialize(tx.wire),
      loadedAddresses: {
        writable: tx.loadedWritable.map((a) => new PublicKey(a)),
        readonly: tx.loadedReadonly.map((a) => new PublicKey(a)),
      },
      fee: tx.fee,
    };
  }

  async getAccountInfo(address: PublicKey): Promise<AccountState | null> {
    this.assertUsable();
    return this.readAccount(address.toBase58());
  }

  async getMultipleAccountsInfo(addresses: PublicKey[]): Promise<Array<AccountState | null>> {
    this.assertUsable();
    return addresses.map((a) => this.readAccount(a.toBase58()));
  }

  async getBalance(address: PublicKey): Promise<bigint> {
    return (await this.getAccountInfo(address))?.lamports ?? 0n;
  }

  async getTokenBalance(tokenAccount: PublicKey): Promise<bigint> {
    const state = await this.getAccountInfo(tokenAccount);
    if (!state) throw new AccountNotFoundError(`token account ${tokenAccount.toBase58()} does not exist`);
    return decodeTokenAccount(tokenAccount, state, state.owner).amount;
  }

  async getMinimumBalanceForRentExemption(size: number): Promise<bigint> {
    this.assertUsable();
    return this.svm.minimumBalanceForRentExemption(BigInt(size));
  }

  /** Rewrites the snapshot with every account the platform touched and the whole transaction history. */
  save(): void {
    if (!this.files) return;
    const accounts = new Map<string, StoredAccount>();
    for (const [address, account] of this.snapshotAccounts([...this.tracked])) {
      if (account) accounts.set(address, account);
      else this.tracked.delete(address);
    }
    const state: ChainState = {
      seed: this.seed,
      genesisUnixTimestamp: this.genesisUnixTimestamp,
      slot: this.slot,
      accounts,
      transactions: [...this.history.values()],
    };
    try {
      this.files.writeSnapshot(state, this.seq);
    } catch (error) {
      throw new ChainStateError(`cannot write the chain snapshot: ${(error as Error).message}`);
    }
    this.journalEntries = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.failure) this.save();
    } finally {
      this.closed = true;
      this.files?.unlock();
    }
  }

  private assertUsable() {
    if (this.closed) throw new ChainStateError("the embedded chain is closed");
    if (this.failure)
      throw new ChainStateError(`the embedded chain stopped after a failed write: ${this.failure.message}`);
  }

  /** Persists one change; a failed write stops the chain, since memory and disk no longer agree. */
  private record(accounts: Map<string, StoredAccount | null>, transaction?: StoredTransaction) {
    if (!this.files) return;
    try {
      this.files.append({ seq: ++this.seq, slot: this.slot, accounts, transaction });
      if (++this.journalEntries >= this.compactEvery) this.save();
    } catch (error) {
      this.failure = error as Error;
      throw new ChainStateError(`cannot write the chain journal: ${(error as Error).message}`);
    }
  }

  private deserialize(wire: Uint8Array): VersionedTransaction {
    if (wire.length > PACKET_DATA_SIZE) {
      throw new TransactionRejectedError(
        "too-large",
        `transaction is ${wire.length} bytes, the limit is ${PACKET_DATA_SIZE}`,
      );
    }
    return decodeWireTransaction(wire);
  }

  private decode(wire: Uint8Array): Transaction {
    try {
      return this.decoder.decode(wire);
    } catch (error) {
      throw new TransactionRejectedError("malformed", `not a transaction: ${(error as Error).message}`);
    }
  }

  private simulate(native: Transaction, verifySignatures: boolean): SimulationResult {
    this.svm.withSigverify(verifySignatures);
    try {
      let result;
      try {
        result = this.svm.simulateTransaction(native);
      } catch (error) {
        throw new TransactionRejectedError("signature-invalid", (error as Error).message);
      }
      const meta = result.meta();
      return {
        err: result instanceof FailedTransactionMetadata ? transactionErrorJson(result.err()) : null,
        unitsConsumed: Number(meta.computeUnitsConsumed()),
        logs: meta.logs(),
      };
    } finally {
      this.svm.withSigverify(true);
    }
  }

  private blockhashOf(slot: bigint): string {
    const hash = createHash("sha256").update(this.seed).update(slot.toString()).digest();
    return bs58.encode(hash);
  }

  private blockhashIsValid(blockhash: string): boolean {
    const issued = this.slotOfBlockhash.get(blockhash);
    return issued !== undefined && this.slot <= issued + BLOCKHASH_VALIDITY;
  }

  private assertBlockhashValid(tx: VersionedTransaction) {
    if (!this.blockhashIsValid(tx.message.recentBlockhash)) {
      throw new TransactionRejectedError(
        "blockhash-expired",
        `blockhash ${tx.message.recentBlockhash} is unknown or expired`,
        "BlockhashNotFound",
      );
    }
  }

  private confirmationOf(slot: bigint): "confirmed" | "finalized" {
    return this.slot >= slot + this.finalityDepth ? "finalized" : "confirmed";
  }

  private warpTo(slot: bigint) {
    const from = slot - BigInt(SLOT_HASHES_KEPT) > this.slot ? slot - BigInt(SLOT_HASHES_KEPT) : this.slot;
    const added: Array<{ slot: bigint; hash: string }> = [];
    for (let s = slot - 1n; s >= from && s >= 0n; s--) added.push({ slot: s, hash: this.blockhashOf(s) });
    this.recentSlotHashes = [...added, ...this.recentSlotHashes].slice(0, SLOT_HASHES_KEPT);
    this.slot = slot;
    this.slotOfBlockhash.clear();
    for (const entry of this.recentSlotHashes.slice(0, Number(BLOCKHASH_VALIDITY)))
      this.slotOfBlockhash.set(entry.hash, entry.slot);
    this.slotOfBlockhash.set(this.blockhashOf(slot), slot);

    const schedule = this.svm.getEpochSchedule();
    const epoch = slot / schedule.slotsPerEpoch;
    const timeAt = (s: bigint) => this.genesisUnixTimestamp + (s * MILLISECONDS_PER_SLOT) / 1000n;
    this.svm.setClock(new Clock(slot, timeAt(epoch * schedule.slotsPerEpoch), epoch, epoch + 1n, timeAt(slot)));
    this.svm.setSlotHashes(this.recentSlotHashes);
  }

  private resolveLookups(tx: VersionedTransaction): { writable: string[]; readonly: string[] } {
    const writable: string[] = [];
    const readonly: string[] = [];
    for (const lookup of tx.message.addressTableLookups) {
      const table = this.readAccount(lookup.accountKey.toBase58());
      if (!table) continue;
      const addresses = AddressLookupTableAccount.deserialize(table.data).addresses;
      for (const i of lookup.writableIndexes) if (addresses[i]) writable.push(addresses[i].toBase58());
      for (const i of lookup.readonlyIndexes) if (addresses[i]) readonly.push(addresses[i].toBase58());
    }
    return { writable, readonly };
  }

  private readAccount(address: string): AccountState | null {
    const account = this.svm.getAccount(kitAddress(address));
    if (!account.exists || account.lamports === 0n) return null;
    return {
      lamports: account.lamports,
      owner: new PublicKey(account.programAddress),
      data: account.data as Uint8Array,
      executable: account.executable,
    };
  }

  private writeAccount(address: string, account: StoredAccount) {
    this.tracked.add(address);
    this.svm.setAccount({
      address: kitAddress(address),
      lamports: kitLamports(account.lamports),
      programAddress: kitAddress(account.owner),
      executable: false,
      data: account.data,
      space: BigInt(account.data.length),
    });
  }

  /** The current state of the given accounts, leaving out programs and sysvars. */
  private snapshotAccounts(addresses: Iterable<string>): Map<string, StoredAccount | null> {
    const states = new Map<string, StoredAccount | null>();
    for (const address of addresses) {
      const account = this.readAccount(address);
      if (account && (account.executable || NOT_STORED_OWNERS.has(account.owner.toBase58()))) {
        this.tracked.delete(address);
        continue;
      }
      states.set(
        address,
        account && { lamports: account.lamports, owner: account.owner.toBase58(), data: Uint8Array.from(account.data) },
      );
    }
    return states;
  }
}
