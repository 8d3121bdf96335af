// Money rule 4: every ledger row is committed in a Merkle root posted on chain before any transfer pays it.
import type { Db } from "../../../db/client.ts";
import {
  confirmRoot,
  createRoot,
  epochsToRoot,
  failRoot,
  getRoot,
  listUnsettledRoots,
  markRootSent,
  saveSignedRoot,
  type PayoutRootRow,
} from "../../../db/queries/payouts/roots.ts";
import type { PlatformToken } from "../chain/setup.ts";
import type { ChainAdapter } from "../chain/types.ts";
import { settleDurably, type DurableStep } from "./durable-transaction.ts";
import { buildPayoutTree, MerkleInputError, payoutRootMemo } from "./merkle.ts";
import { prepareRootTransaction } from "./root-transaction.ts";

/** The root steps of the executor: rows committed to a root in the database, its memo signed, sent, finalized. */
export type RootStep = "rooted" | `root-${DurableStep}`;

export interface RootContext {
  db: Db;
  chain: ChainAdapter;
  token: PlatformToken;
  pollIntervalMs?: number;
  onStep?: (step: RootStep) => void;
}

/** The memo a root row publishes. */
export const memoOfRoot = (root: PayoutRootRow) =>
  payoutRootMemo({ epoch: root.epochId, root: root.root, count: root.leafCount, total: root.total });

/**
 * Commits the rows of labelers with a wallet that are in no root yet, one new root per epoch, and drives every
 * unsettled root to a final state. An epoch whose rows cannot make a tree (a total over 2^64 - 1) is reported and
 * left out; the other epochs go on. Returns the roots settled.
 */
export async function commitRoots(ctx: RootContext): Promise<PayoutRootRow[]> {
  for (const epochId of await epochsToRoot(ctx.db)) {
    try {
      const root = await createRoot(ctx.db, { epochId, build: (entries) => buildPayoutTree(epochId, entries) });
      if (root) ctx.onStep?.("rooted");
    } catch (error) {
      if (!(error instanceof MerkleInputError)) throw error;
      console.warn(`payout root for ${epochId} not built: ${error.message}`);
    }
  }
  const settled: PayoutRootRow[] = [];
  for (const root of await listUnsettledRoots(ctx.db)) settled.push(await settleRoot(ctx, root));
  // A root that failed on chain released its rows: commit them to a new root.
  if (settled.some((r) => r.status === "failed") && (await epochsToRoot(ctx.db)).length) {
    return [...settled, ...(await commitRoots(ctx))];
  }
  return settled;
}

/** Signs and stores the root's memo transaction before it is sent (or takes another executor's, stored first). */
async function signRoot(ctx: RootContext, root: PayoutRootRow): Promise<{ record: PayoutRootRow; stored: boolean }> {
  const prepared = await prepareRootTransaction(ctx.chain, { treasury: ctx.token.treasury, memo: memoOfRoot(root) });
  const stored = await saveSignedRoot(ctx.db, {
    rootId: root.id,
    previousSignature: root.signature,
    signature: prepared.signature,
    rawTx: prepared.wire,
    lastValidBlockHeight: prepared.lastValidBlockHeight,
  });
  if (!stored) return { record: await getRoot(ctx.db, root.id), stored };
  return {
    record: {
      ...root,
      status: "signed",
      signature: prepared.signature,
      rawTx: prepared.wire,
      lastValidBlockHeight: prepared.lastValidBlockHeight,
    },
    stored,
  };
}

/** Drives one root's memo transaction to a final state, exactly as a batch is (durable-transaction.ts). */
export function settleRoot(ctx: RootContext, root: PayoutRootRow): Promise<PayoutRootRow> {
  return settleDurably(
    ctx.chain,
    root,
    {
      sign: (r) => signRoot(ctx, r),
      markSent: (r) => markRootSent(ctx.db, r.id),
      confirm: (r, feeLamports) => confirmRoot(ctx.db, { rootId: r.id, feeLamports }),
      fail: (r, error) => failRoot(ctx.db, { rootId: r.id, error }),
      onStep: (step) => ctx.onStep?.(`root-${step}`),
    },
    ctx.pollIntervalMs,
  );
}
