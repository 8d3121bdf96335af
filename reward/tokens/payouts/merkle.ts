// Verifiable payouts: one RFC 6962 (Certificate Transparency) Merkle tree per payout epoch, over the epoch's ledger,
// its root published on chain in a memo. The spec an outsider follows is MERKLE.md next to this file.
//
// Pure functions, no I/O. Every hash in the public API is lowercase hex. SHA-256 comes from the single function
// `sha256` below (node:crypto); a browser build swaps that one function for @noble/hashes' synchronous `sha256`
// (Web Crypto's digest is asynchronous and would make the whole API async).
import { createHash } from "node:crypto";
import bs58 from "bs58";

/** The one SHA-256 of this module: the digest of the concatenation of `parts`. */
function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export class MerkleInputError extends Error {
  override name = "MerkleInputError";
}
/** The same wallet twice in one epoch: the ledger must be aggregated to one amount per wallet first. */
export class DuplicateWalletError extends MerkleInputError {
  override name = "DuplicateWalletError";
}
/** An epoch with no payouts has no tree and publishes no root (RFC 6962's empty root would commit to nothing). */
export class EmptyEpochError extends MerkleInputError {
  override name = "EmptyEpochError";
}
export class PayoutMemoError extends Error {
  override name = "PayoutMemoError";
}

export const PAYOUT_LEAF_PREFIX = "pairwise-payout-v1";
export const PAYOUT_ROOT_MEMO_PREFIX = "pairwise:payout-root:";
export const U64_MAX = 2n ** 64n - 1n;
/** RFC 6962's MTH({}) = SHA-256(""): the root of the generic tree over no leaves (payout epochs never use it). */
export const EMPTY_TREE_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);
const HEX_HASH = /^[0-9a-f]{64}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A refund epoch: `refund-` and the closed project's id, a UUID in lowercase (the one spelling PostgreSQL prints). */
const REFUND_EPOCH = /^refund-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------------------------------------------
// Hex
// ---------------------------------------------------------------------------------------------------------------

const HEX_DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX_DIGITS[bytes[i]];
  return out;
}

/** The value of a lowercase hex digit's char code (already checked against HEX_HASH). */
const nibble = (code: number) => (code <= 0x39 ? code - 0x30 : code - 0x57);

/** A 32-byte hash from 64 lowercase hex digits, or null. */
function hashFromHex(hex: unknown): Uint8Array | null {
  if (typeof hex !== "string" || !HEX_HASH.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = (nibble(hex.charCodeAt(2 * i)) << 4) | nibble(hex.charCodeAt(2 * i + 1));
  return out;
}

function requireHash(hex: unknown, what: string): Uint8Array {
  const bytes = hashFromHex(hex);
  if (!bytes) throw new MerkleInputError(`${what} must be 64 lowercase hex digits`);
  return bytes;
}

// ---------------------------------------------------------------------------------------------------------------
// RFC 6962 hashing and the generic tree
// ---------------------------------------------------------------------------------------------------------------

const leafHashBytes = (leafData: Uint8Array) => sha256(LEAF, leafData);
const nodeHashBytes = (left: Uint8Array, right: Uint8Array) => sha256(NODE, left, right);

/** RFC 6962 leaf hash: SHA-256(0x00 || leafData), hex. */
export function leafHash(leafData: Uint8Array): string {
  return toHex(leafHashBytes(leafData));
}

/** RFC 6962 interior node hash: SHA-256(0x01 || left || right), of two hex hashes, hex. */
export function nodeHash(left: string, right: string): string {
  return toHex(nodeHashBytes(requireHash(left, "left"), requireHash(right, "right")));
}

/** An RFC 6962 Merkle tree over leaves in the given order. */
export interface MerkleTree {
  /** MTH(D[n]), hex; EMPTY_TREE_ROOT for no leaves. */
  readonly root: string;
  readonly count: number;
  /** The leaf hash at `index`, hex. */
  leafHash(index: number): string;
  /** The audit path PATH(index, D[n]) of RFC 6962 §2.1.1, bottom-up (the leaf's sibling first), hex. */
  path(index: number): string[];
}

/** The tree over leaf data (each hashed as a leaf), in the order given. */
export function buildMerkleTree(leafData: readonly Uint8Array[]): MerkleTree {
  return treeOfLeafHashes(leafData.map(leafHashBytes));
}

// The RFC 6962 tree, with its split at the largest power of two below n, is exactly the tree built bottom-up by
// pairing neighbours on each level and carrying an unpaired last node up unchanged: the left part (a power of two)
// never pairs across the split. So the tree is its levels, n + n/2 + ... hashes, built in O(n), and an audit path is
// the sibling on each level where there is one, O(log n).
function treeOfLeafHashes(leaves: Uint8Array[]): MerkleTree {
  const levels: Uint8Array[][] = [leaves];
  while (levels[levels.length - 1].length > 1) {
    const below = levels[levels.length - 1];
    const above: Uint8Array[] = [];
    for (let i = 0; i < below.length; i += 2) {
      above.push(i + 1 < below.length ? nodeHashBytes(below[i], below[i + 1]) : below[i]);
    }
    levels.push(above);
  }
  const hex: (string | undefined)[][] = levels.map(() => []);
  const hexAt = (level: number, i: number) => (hex[level][i] ??= toHex(levels[level][i]));
  const count = leaves.length;
  const checkIndex = (index: number) => {
    if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
      throw new MerkleInputError(`leaf index ${index} is outside a tree of ${count}`);
    }
  };
  return {
    root: count === 0 ? EMPTY_TREE_ROOT : hexAt(levels.length - 1, 0),
    count,
    leafHash(index) {
      checkIndex(index);
      return hexAt(0, index);
    },
    path(index) {
      checkIndex(index);
      const path: string[] = [];
      for (let level = 0, i = index; level < levels.length - 1; level++, i = Math.floor(i / 2)) {
        const sibling = i % 2 === 1 ? i - 1 : i + 1;
        if (sibling < levels[level].length) path.push(hexAt(level, sibling));
      }
      return path;
    },
  };
}

/**
 * The root that an audit path proves for a leaf hash at `index` in a tree of `count` leaves, per RFC 9162 §2.1.3.2
 * ("verifying an inclusion proof"), or null when the inputs cannot be a proof (index not below count, a path too
 * short or too long for that position, anything not a lowercase hex hash).
 */
export function inclusionProofRoot(
  leafHash: string,
  index: number,
  count: number,
  proof: readonly string[],
): string | null {
  let r = hashFromHex(leafHash);
  if (!r || !Number.isSafeInteger(count) || !Number.isSafeInteger(index) || index < 0 || index >= count) return null;
  if (!Array.isArray(proof)) return null;
  let fn = index;
  let sn = count - 1;
  for (const hex of proof) {
    const p = hashFromHex(hex);
    if (!p || sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHashBytes(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHashBytes(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? toHex(r) : null;
}

/** Whether `proof` proves `leafHash` at `index` in the tree of `count` leaves with root `root` (RFC 9162 §2.1.3.2). */
export function verifyInclusion(
  leafHash: string,
  index: number,
  count: number,
  proof: readonly string[],
  root: string,
) {
  return HEX_HASH.test(root) && inclusionProofRoot(leafHash, index, count, proof) === root;
}

// ---------------------------------------------------------------------------------------------------------------
// Payout leaves
// ---------------------------------------------------------------------------------------------------------------

export interface PayoutEntry {
  /** The recipient's Solana address, base58 (32 bytes). */
  wallet: string;
  /** Base units of the token, 0 ≤ amount ≤ 2^64 - 1. */
  amount: bigint;
}

/** Whether `epoch` is an epoch id: a UTC day like 2026-11-23 (a real calendar date) or `refund-<project uuid>`. */
export function isEpochId(epoch: unknown): epoch is string {
  return typeof epoch === "string" && ((DAY.test(epoch) && isCalendarDate(epoch)) || REFUND_EPOCH.test(epoch));
}

/** Throws MerkleInputError unless `epoch` is an epoch id (see isEpochId). */
export function assertEpochId(epoch: unknown): asserts epoch is string {
  if (!isEpochId(epoch)) {
    throw new MerkleInputError(
      `epoch must be a UTC day like 2026-11-23 or refund-<project uuid>, got ${JSON.stringify(epoch)}`,
    );
  }
}

function isCalendarDate(day: string): boolean {
  const at = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === day;
}

function assertWallet(wallet: unknown): asserts wallet is string {
  // Base58 is canonical (leading '1's are leading zero bytes), so a string that decodes to 32 bytes is the only
  // spelling of that key: no two leaf texts name the same wallet.
  const bytes = typeof wallet === "string" ? bs58.decodeUnsafe(wallet) : undefined;
  if (bytes?.length !== 32) {
    throw new MerkleInputError(`wallet must be a base58 Solana address (32 bytes), got ${JSON.stringify(wallet)}`);
  }
}

function assertAmount(amount: unknown): asserts amount is bigint {
  if (typeof amount !== "bigint" || amount < 0n || amount > U64_MAX) {
    throw new MerkleInputError(`amount must be a bigint from 0 to 2^64 - 1, got ${String(amount)}`);
  }
}

/** The leaf data: utf8("pairwise-payout-v1|<epoch>|<wallet base58>|<amount base units as decimal>"). */
export function payoutLeafData(epoch: string, wallet: string, amount: bigint): Uint8Array {
  assertEpochId(epoch);
  assertWallet(wallet);
  assertAmount(amount);
  return utf8.encode(`${PAYOUT_LEAF_PREFIX}|${epoch}|${wallet}|${amount.toString(10)}`);
}

/** The leaf order: ascending by the base58 text's bytes (ASCII, so plain `<` on strings; never localeCompare). */
export function compareWallets(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface PayoutLeaf extends PayoutEntry {
  index: number;
  /** The leaf hash, hex. */
  leaf: string;
}

/** What a labeler needs to check their payout against the epoch's on-chain root. JSON: send `amount` as a string. */
export interface PayoutProof {
  epoch: string;
  wallet: string;
  amount: bigint;
  index: number;
  count: number;
  /** The leaf hash, hex. */
  leaf: string;
  /** The audit path, bottom-up, hex. */
  proof: string[];
  root: string;
}

export interface PayoutTree {
  readonly epoch: string;
  readonly root: string;
  readonly count: number;
  /** The sum of all amounts, base units (≤ 2^64 - 1). */
  readonly total: bigint;
  /** The entries in leaf order (see compareWallets), with their index and leaf hash. */
  readonly leaves: readonly PayoutLeaf[];
  /** The inclusion proof of `wallet`'s payout, or null when the epoch pays it nothing (no leaf). */
  proof(wallet: string): PayoutProof | null;
}

/**
 * The epoch's tree: one leaf per wallet, sorted by compareWallets. Throws EmptyEpochError for no entries,
 * DuplicateWalletError for a wallet listed twice, and MerkleInputError for a malformed epoch, wallet or amount, or a
 * total over 2^64 - 1 (no SPL token can pay that). Zero amounts are leaves like any other.
 */
export function buildPayoutTree(epoch: string, entries: readonly PayoutEntry[]): PayoutTree {
  assertEpochId(epoch);
  if (entries.length === 0) throw new EmptyEpochError(`epoch ${epoch} has no payouts, so no Merkle root`);
  const data = new Map<string, Uint8Array>();
  let total = 0n;
  for (const { wallet, amount } of entries) {
    const leafData = payoutLeafData(epoch, wallet, amount);
    if (data.has(wallet)) throw new DuplicateWalletError(`wallet ${wallet} appears more than once in epoch ${epoch}`);
    data.set(wallet, leafData);
    total += amount;
  }
  const sorted = entries
    .map(({ wallet, amount }) => ({ wallet, amount }))
    .sort((a, b) => compareWallets(a.wallet, b.wallet));
  const tree = buildMerkleTree(sorted.map((e) => data.get(e.wallet)!));
  if (total > U64_MAX) throw new MerkleInputError(`epoch ${epoch} totals ${total} base units, over 2^64 - 1`);
  const leaves = sorted.map((e, index): PayoutLeaf => ({ ...e, index, leaf: tree.leafHash(index) }));
  const indexOf = new Map(leaves.map((l) => [l.wallet, l.index]));
  return {
    epoch,
    root: tree.root,
    count: tree.count,
    total,
    leaves,
    proof(wallet) {
      const index = indexOf.get(wallet);
      if (index === undefined) return null;
      const { amount, leaf } = leaves[index];
      return { epoch, wallet, amount, index, count: tree.count, leaf, proof: tree.path(index), root: tree.root };
    },
  };
}

/**
 * Whether `proof` shows that `wallet` was paid `amount` in `epoch` under `root`, the leaf being number `index` of
 * `count`. Take `root` and `count` from the epoch's on-chain memo, never from whoever sent the proof. Returns false
 * (never throws) for anything malformed.
 *
 * RFC 6962 commits to the count only through the shape of the leaf's path: a wrong count is rejected whenever it
 * changes that shape (always so for the last leaves), but not, say, count 7 instead of 8 for leaf 0, whose path is the
 * same in both trees. That proves nothing false (the leaf is under `root` either way); it is why the count comes
 * from the memo.
 */
export function verifyPayoutProof(input: {
  epoch: string;
  wallet: string;
  amount: bigint;
  index: number;
  count: number;
  proof: readonly string[];
  root: string;
}): boolean {
  let data: Uint8Array;
  try {
    data = payoutLeafData(input.epoch, input.wallet, input.amount);
  } catch (error) {
    if (error instanceof MerkleInputError) return false;
    throw error;
  }
  return verifyInclusion(toHex(leafHashBytes(data)), input.index, input.count, input.proof, input.root);
}

// ---------------------------------------------------------------------------------------------------------------
// The on-chain memo: pairwise:payout-root:v1:<epoch>:<root hex>:<leaf count>:<total base units>
// ---------------------------------------------------------------------------------------------------------------

export interface PayoutRootMemo {
  epoch: string;
  root: string;
  count: number;
  total: bigint;
}

/** The epoch field is a day or a refund epoch id (the sources of DAY and REFUND_EPOCH without their anchors). */
const MEMO_V1 = new RegExp(
  `^pairwise:payout-root:v1:(${DAY.source.slice(1, -1)}|${REFUND_EPOCH.source.slice(1, -1)}):` +
    "([0-9a-f]{64}):([1-9][0-9]{0,15}):(0|[1-9][0-9]{0,19})$",
);

/** The memo text for an epoch's root (a PayoutTree will do). Throws PayoutMemoError for anything malformed. */
export function payoutRootMemo({ epoch, root, count, total }: PayoutRootMemo): string {
  const text = `${PAYOUT_ROOT_MEMO_PREFIX}v1:${epoch}:${root}:${count}:${typeof total === "bigint" ? total : NaN}`;
  parsePayoutRootMemo(text); // one definition of "well formed": the parser's
  return text;
}

/**
 * The fields of a payout-root memo. Returns null for a text that is not one (does not start with
 * "pairwise:payout-root:"), so other memos can be skipped; throws PayoutMemoError for one that starts so but is
 * malformed in any way: another version, a field missing or extra, a bad date or refund id, uppercase or short hex, a
 * count below 1 or over 2^53 - 1, a total over 2^64 - 1, leading zeros, signs, whitespace.
 */
export function parsePayoutRootMemo(text: string): PayoutRootMemo | null {
  if (typeof text !== "string" || !text.startsWith(PAYOUT_ROOT_MEMO_PREFIX)) return null;
  const match = MEMO_V1.exec(text);
  if (!match) throw new PayoutMemoError(`malformed payout-root memo: ${JSON.stringify(text)}`);
  const [, epoch, root, countText, totalText] = match;
  const count = Number(countText);
  const total = BigInt(totalText);
  if (!isEpochId(epoch)) throw new PayoutMemoError(`payout-root memo has no such day: ${epoch}`);
  if (!Number.isSafeInteger(count)) throw new PayoutMemoError(`payout-root memo leaf count too large: ${countText}`);
  if (total > U64_MAX) throw new PayoutMemoError(`payout-root memo total over 2^64 - 1: ${totalText}`);
  return { epoch, root, count, total };
}
