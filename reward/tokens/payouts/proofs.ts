// A labeler's inclusion proof, from the ledger rows of the root that committed their payout, and its check against
// the root memo as the chain has it.
import type { PublicKey } from "@solana/web3.js";
import type { Db } from "../../../db/client.ts";
import { findRootedPayout, listRootEntries, type PayoutRootRow } from "../../../db/queries/payouts/roots.ts";
import type { ChainAdapter } from "../chain/types.ts";
import { buildPayoutTree, verifyPayoutProof, type PayoutProof } from "./merkle.ts";
import { readRootMemo } from "./root-transaction.ts";

export interface RootedProof {
  proof: PayoutProof;
  root: PayoutRootRow;
  /** Whether the tree rebuilt from the root's rows has the root stored when they were committed. */
  matchesStoredRoot: boolean;
}

/**
 * The proof of one epoch's payout, of a labeler (`labelerId`) or to a wallet (`wallet`), rebuilt from the rows of
 * the root that committed it (sorted as merkle.ts sorts them); null when there is no such row or it is in no root.
 */
export async function rootedPayoutProof(
  db: Db,
  params: { epochId: string; labelerId?: string; wallet?: string },
): Promise<RootedProof | null> {
  const rooted = await findRootedPayout(db, params);
  if (!rooted) return null;
  const tree = buildPayoutTree(rooted.epochId, await listRootEntries(db, rooted.root.id));
  const proof = tree.proof(rooted.wallet)!;
  return {
    proof,
    root: rooted.root,
    matchesStoredRoot: tree.root === rooted.root.root && tree.count === rooted.root.leafCount,
  };
}

export interface ChainVerification {
  verified: boolean;
  /** Why not, when not verified. */
  reason?: string;
  /** The memo as the chain has it, when it could be read. */
  memoText?: string;
}

/**
 * Checks `proof` against the payout-root memo of transaction `rootSignature` as read from the chain (readRootMemo:
 * finalized, signed by `treasury`): the memo's epoch is the proof's, and the proof folds to the memo's root for
 * the memo's leaf count. The proof's own root and count are never trusted.
 */
export async function verifyProofOnChain(
  chain: ChainAdapter,
  params: { proof: PayoutProof; rootSignature: string; treasury: PublicKey },
): Promise<ChainVerification> {
  const reading = await readRootMemo(chain, params.rootSignature, params.treasury);
  if (!reading.ok) return { verified: false, reason: reading.reason };
  const { memo, text } = reading;
  const { proof } = params;
  if (memo.epoch !== proof.epoch)
    return {
      verified: false,
      reason: `the root on chain is for epoch ${memo.epoch}, not ${proof.epoch}`,
      memoText: text,
    };
  if (!verifyPayoutProof({ ...proof, root: memo.root, count: memo.count }))
    return {
      verified: false,
      reason: `the proof does not lead to the root on chain (${memo.root}, ${memo.count} leaves)`,
      memoText: text,
    };
  return { verified: true, memoText: text };
}
