import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { ChainStateError, type TransactionErrorJson } from "./types.ts";

/** An account as the snapshot keeps it (program and sysvar accounts are never stored: LiteSVM brings its own). */
export interface StoredAccount {
  lamports: bigint;
  owner: string;
  data: Uint8Array;
}

export interface StoredTransaction {
  signature: string;
  slot: bigint;
  err: TransactionErrorJson | null;
  fee: bigint;
  wire: Uint8Array;
  loadedWritable: string[];
  loadedReadonly: string[];
}

export interface ChainState {
  /** Makes this chain's blockhashes its own. */
  seed: string;
  genesisUnixTimestamp: bigint;
  slot: bigint;
  accounts: Map<string, StoredAccount>;
  transactions: StoredTransaction[];
}

/** One change since the snapshot: the new slot, the accounts as they are now (null: gone), the transaction that landed. */
export interface JournalEntry {
  seq: number;
  slot: bigint;
  accounts: Map<string, StoredAccount | null>;
  transaction?: StoredTransaction;
}

const FORMAT = "pairwise-litesvm-snapshot";
const VERSION = 1;

interface AccountJson {
  lamports: string;
  owner: string;
  data: string;
}

interface TransactionJson {
  signature: string;
  slot: string;
  err: TransactionErrorJson | null;
  fee: string;
  wire: string;
  loadedWritable: string[];
  loadedReadonly: string[];
}

const accountToJson = (a: StoredAccount): AccountJson => ({
  lamports: a.lamports.toString(),
  owner: a.owner,
  data: Buffer.from(a.data).toString("base64"),
});
const accountFromJson = (a: AccountJson): StoredAccount => ({
  lamports: BigInt(a.lamports),
  owner: a.owner,
  data: new Uint8Array(Buffer.from(a.data, "base64")),
});
const transactionToJson = (t: StoredTransaction): TransactionJson => ({
  ...t,
  slot: t.slot.toString(),
  fee: t.fee.toString(),
  wire: Buffer.from(t.wire).toString("base64"),
});
const transactionFromJson = (t: TransactionJson): StoredTransaction => ({
  ...t,
  slot: BigInt(t.slot),
  fee: BigInt(t.fee),
  wire: new Uint8Array(Buffer.from(t.wire, "base64")),
});

/** Paths currently opened by this process, so a second open of the same files is refused. */
const openInThisProcess = new Set<string>();

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The embedded chain on disk: `<path>` holds a full snapshot (JSON, replaced atomically), `<path>.journal` one JSON
 * line per change since it, fsynced before the change is reported, and `<path>.lock` the owning process id.
 */
export class ChainStateFiles {
  readonly snapshotPath: string;
  readonly journalPath: string;
  readonly lockPath: string;
  private journal: number | null = null;
  private locked = false;

  constructor(snapshotPath: string) {
    this.snapshotPath = path.resolve(snapshotPath);
    this.journalPath = `${this.snapshotPath}.journal`;
    this.lockPath = `${this.snapshotPath}.lock`;
  }

  lock(): void {
    mkdirSync(path.dirname(this.snapshotPath), { recursive: true });
    if (openInThisProcess.has(this.snapshotPath)) {
      throw new ChainStateError(`${this.snapshotPath} is already open in this process`);
    }
    let fd: number;
    try {
      fd = openSync(this.lockPath, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(this.lockPath, "utf8").trim());
      if (owner !== process.pid && Number.isInteger(owner) && owner > 0 && processIsAlive(owner)) {
        throw new ChainStateError(`${this.snapshotPath} is in use by process ${owner}`);
      }
      fd = openSync(this.lockPath, "w", 0o600);
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    openInThisProcess.add(this.snapshotPath);
    this.locked = true;
  }

  unlock(): void {
    if (this.journal !== null) closeSync(this.journal);
    this.journal = null;
    if (!this.locked) return;
    this.locked = false;
    openInThisProcess.delete(this.snapshotPath);
    try {
      unlinkSync(this.lockPath);
    } catch {
      // already gone
    }
  }

  /** The saved state with the journal replayed onto it, or null when nothing was saved yet. */
  load(): { state: ChainState; seq: number; replayed: number } | null {
    if (!existsSync(this.snapshotPath)) return null;
    let snapshot: {
      format: string;
      version: number;
      seed: string;
      genesisUnixTimestamp: string;
      slot: string;
      journalSeq: number;
      accounts: Record<string, AccountJson>;
      transactions: TransactionJson[];
    };
    try {
      snapshot = JSON.parse(readFileSync(this.snapshotPath, "utf8"));
    } catch (error) {
      throw new ChainStateError(`cannot read the chain snapshot ${this.snapshotPath}: ${(error as Error).message}`);
    }
    if (snapshot.format !== FORMAT || snapshot.version !== VERSION) {
      throw new ChainStateError(`${this.snapshotPath} is not a version ${VERSION} chain snapshot`);
    }
    const state: ChainState = {
      seed: snapshot.seed,
      genesisUnixTimestamp: BigInt(snapshot.genesisUnixTimestamp),
      slot: BigInt(snapshot.slot),
      accounts: new Map(Object.entries(snapshot.accounts).map(([address, a]) => [address, accountFromJson(a)])),
      transactions: snapshot.transactions.map(transactionFromJson),
    };
    let seq = snapshot.journalSeq;
    let replayed = 0;
    for (const entry of this.readJournal()) {
      if (entry.seq <= seq) continue;
      seq = entry.seq;
      replayed++;
      state.slot = entry.slot;
      for (const [address, account] of entry.accounts) {
        if (account) state.accounts.set(address, account);
        else state.accounts.delete(address);
      }
      if (entry.transaction) state.transactions.push(entry.transaction);
    }
    return { state, seq, replayed };
  }

  private *readJournal(): Generator<JournalEntry> {
    if (!existsSync(this.journalPath)) return;
    const lines = readFileSync(this.journalPath, "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === "") continue;
      let raw: {
        seq: number;
        slot: string;
        accounts: Record<string, AccountJson | null>;
        transaction?: TransactionJson;
      };
      try {
        raw = JSON.parse(lines[i]);
      } catch {
        // A line cut short by a crash was never reported as written; anything after it would be corruption.
        if (lines.slice(i + 1).every((line) => line === "")) return;
        throw new ChainStateError(`${this.journalPath} is corrupt at line ${i + 1}`);
      }
      yield {
        seq: raw.seq,
        slot: BigInt(raw.slot),
        accounts: new Map(Object.entries(raw.accounts).map(([address, a]) => [address, a && accountFromJson(a)])),
        transaction: raw.transaction && transactionFromJson(raw.transaction),
      };
    }
  }

  /** Replaces the snapshot atomically (temp file, fsync, rename), then empties the journal it includes. */
  writeSnapshot(state: ChainState, seq: number): void {
    const json = JSON.stringify({
      format: FORMAT,
      version: VERSION,
      seed: state.seed,
      genesisUnixTimestamp: state.genesisUnixTimestamp.toString(),
      slot: state.slot.toString(),
      journalSeq: seq,
      accounts: Object.fromEntries([...state.accounts].map(([address, a]) => [address, accountToJson(a)])),
      transactions: state.transactions.map(transactionToJson),
    });
    const temp = `${this.snapshotPath}.${process.pid}.tmp`;
    const fd = openSync(temp, "w", 0o600);
    try {
      writeSync(fd, json);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.snapshotPath);
    syncDirectory(path.dirname(this.snapshotPath));
    ftruncateSync(this.journalFd(), 0);
  }

  append(entry: JournalEntry): void {
    const line = JSON.stringify({
      seq: entry.seq,
      slot: entry.slot.toString(),
      accounts: Object.fromEntries([...entry.accounts].map(([address, a]) => [address, a && accountToJson(a)])),
      transaction: entry.transaction && transactionToJson(entry.transaction),
    });
    const fd = this.journalFd();
    writeSync(fd, line + "\n");
    fsyncSync(fd);
  }

  private journalFd(): number {
    this.journal ??= openSync(this.journalPath, "a", 0o600);
    return this.journal;
  }
}

function syncDirectory(dir: string) {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
