import { EpochNotOverError } from "./epochs.ts";
import { PublicKey, type AddressLookupTableAccount } from "@solana/web3.js";
import type { Db } from "../../../db/client.ts";
import { getLinkedWallet } from "../../../db/queries/wallets.ts";
import {
  confirmBatch,
  createBatches,
  failBatch,
  getBatch,
  getBatchRecipients,
  listLookupTables,
  listUnsettledBatches,
  markBatchSent,
  queuedRecipients,
  saveLookupTable,
  saveSignedBatch,
  type BatchRecipient,
  type PayoutBatchRow,
} from "../../../db/queries/payouts/batches.ts";
import {
  isEpochPlanned,
  listEpochLedger,
  listPayableBonuses,
  listProjectsAwaitingRefund,
  planEpoch,
  planRefund,
  projectsLabeledIn,
  remainingBudgets,
  tallyEpochLabels,
  type EpochWindow,
} from "../../../db/queries/payouts/ledger.ts";
import { ensureLookupTables as ensureTables, fetchLookupTable } from "./lookup-table-actions.ts";
import { ownersWithoutTokenAccount, preparePayoutTransaction } from "./prepare.ts";
import type { PlatformToken } from "../chain/setup.ts";
import type { ChainAdapter } from "../chain/types.ts";
import { settleDurably } from "./durable-transaction.ts";
import { commitRoots, type RootStep } from "./roots.ts";
import { commonPayoutAddresses, recipientLookupAddresses } from "./lookup-tables.ts";
import { isolateUnpayable, PayoutPlanError, planEarnings, totalsByLabeler, type IsolatedProject } from "./plan.ts";
import { planBatches, type PayoutTransfer } from "./transactions.ts";

/** Points where the executor has just made durable progress; a crash test kills the process at each of them. */
export type PayoutStep = "planned" | "refund-planned" | RootStep | "batched" | "signed" | "sent" | "confirmed";

export interface PayoutContext {
  db: Db;
  chain: ChainAdapter;
  token: PlatformToken;
  pollIntervalMs?: number;
  onStep?: (step: PayoutStep) => void;
  /** Brings a project's consensus (its labelers' quality) up to date before an epoch is planned on it. */
  refreshConsensus?: (projectId: string) => Promise<unknown>;
}

export interface PayoutSummary {
  epoch: string;
  dryRun: boolean;
  planned: boolean;
  labelers: Array<{ labelerId: string; amount: string }>;
  transactions: Array<{ batch: string; signature: string | null; recipients: number; total: string; status: string }>;
  /** How many labelers are owed but have no linked wallet, and what they are owed: paid once they link one. */
  awaitingWallet: number;
  awaitingWalletAmount: string;
  /** Projects left out of this planning because their numbers cannot be paid (the others are paid). */
  isolated?: IsolatedProject[];
}

const BATCH_ID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000";

function earningsFor(tallies: Awaited<ReturnType<typeof tallyEpochLabels>>, remaining: Map<string, bigint>) {
  return planEarnings(
    tallies.map((t) => ({
      labelerId: t.labelerId,
      projectId: t.projectId,
      labels: t.labels,
      rewardPerLabel: t.rewardPerLabel,
      quality: t.quality ?? 0,
      adversarial: t.flags.includes("adversarial"),
    })),
    remaining,
  ).map((e) => ({
    labelerId: e.labelerId,
    projectId: e.projectId,
    labels: e.labels,
    rewardPerLabel: e.rewardPerLabel,
    weightPpm: e.weightPpm,
    earned: e.earned,
    amount: e.amount,
  }));
}

/**
 * Pays one epoch: brings consensus up to date for the projects labeled in it, plans the epoch's ledger once
 * (idempotent), then settles every unsettled batch, this epoch's and any left over from a crash. Safe to run again
 * at any time: a run after a crash finishes what the crashed run started and pays nobody twice.
 */
export async function runPayout(
  ctx: PayoutContext,
  params: { epoch: EpochWindow; dryRun?: boolean },
): Promise<PayoutSummary> {
  const { db } = ctx;
  const { epoch } = params;
  // An epoch is planned once; planning one still running would leave its later answers unpaid.
  if (!params.dryRun && epoch.endsAt.getTime() > Date.now()) {
    throw new EpochNotOverError(
      `epoch ${epoch.id} has not ended yet (it ends ${epoch.endsAt.toISOString()}); pay it afterwards or use --dry-run`,
    );
  }
  // A planned epoch is only settled: refreshing consensus and tallying the day again would be thrown away.
  if (!params.dryRun && (await isEpochPlanned(db, epoch.id))) {
    await planRefunds(ctx);
    return summarize(ctx, epoch, false, await settlePayouts(ctx));
  }
  if (ctx.refreshConsensus)
    for (const projectId of await projectsLabeledIn(db, epoch)) await ctx.refreshConsensus(projectId);
  const { payable: tallies, isolated } = isolateUnpayable(await tallyEpochLabels(db, epoch));
  for (const p of isolated) console.warn(`payout ${epoch.id}: project ${p.projectId} left out, ${p.reason}`);
  if (params.dryRun) {
    const remaining = await remainingBudgets(
      db,
      tallies.map((t) => t.projectId),
      { lock: false },
    );
    const isolatedIds = new Set(isolated.map((p) => p.projectId));
    const bonuses = (await listPayableBonuses(db, epoch)).filter((b) => !isolatedIds.has(b.projectId));
    const totals = [...totalsByLabeler([...earningsFor(tallies, remaining), ...bonuses])].filter(([, a]) => a > 0n);
    const walletless: bigint[] = [];
    for (const [labelerId, amount] of totals)
      if ((await getLinkedWallet(db, labelerId)) === null) walletless.push(amount);
    return {
      epoch: epoch.id,
      dryRun: true,
      planned: false,
      labelers: totals.map(([labelerId, amount]) => ({ labelerId, amount: amount.toString() })),
      transactions: [],
      ...awaitingWallet(walletless),
      isolated,
    };
  }
  const planned = await planEpoch(db, {
    window: epoch,
    excludeProjects: isolated.map((p) => p.projectId),
    plan: (marked, remaining) => {
      // The answers marked in the planning transaction are the ones paid; they may be more than tallied above.
      const late = isolateUnpayable(marked).isolated;
      if (late.length) throw new PayoutPlanError(`payout ${epoch.id}: project ${late[0].projectId} ${late[0].reason}`);
      return earningsFor(marked, remaining);
    },
  });
  ctx.onStep?.("planned");
  await planRefunds(ctx);
  return { ...(await summarize(ctx, epoch, planned, await settlePayouts(ctx))), isolated };
}

/**
 * Plans the refund of every closed project whose answers are all planned (each exactly once); the refund rows are
 * then paid to the requesters by the same batches as the labelers' payouts.
 */
export async function planRefunds(ctx: PayoutContext): Promise<number> {
  let planned = 0;
  for (const projectId of await listProjectsAwaitingRefund(ctx.db)) {
    const outcome = await planRefund(ctx.db, projectId);
    if (outcome.status === "planned") {
      planned++;
      ctx.onStep?.("refund-planned");
    }
  }
  return planned;
}

async function summarize(
  ctx: PayoutContext,
  epoch: EpochWindow,
  planned: boolean,
  batches: PayoutBatchRow[],
): Promise<PayoutSummary> {
  const ledger = await listEpochLedger(ctx.db, epoch.id);
  return {
    epoch: epoch.id,
    dryRun: false,
    planned,
    labelers: ledger.map((l) => ({ labelerId: l.labeler_id, amount: l.amount })),
    transactions: batches.map((b) => ({
      batch: b.id,
      signature: b.signature,
      recipients: b.recipients,
      total: b.total.toString(),
      status: b.status,
    })),
    ...awaitingWallet(ledger.filter((l) => l.waiting).map((l) => BigInt(l.amount))),
  };
}

/** The summary's count and total of what is owed to labelers without a linked wallet. */
function awaitingWallet(amounts: bigint[]) {
  return {
    awaitingWallet: amounts.length,
    awaitingWalletAmount: amounts.reduce((sum, a) => sum + a, 0n).toString(),
  };
}

/**
 * Commits everything queued for labelers with wallets to a Merkle root per epoch and posts each root on chain
 * (roots.ts), then batches the rows whose root is confirmed and settles every unsettled batch.
 */
export async function settlePayouts(ctx: PayoutContext): Promise<PayoutBatchRow[]> {
  await commitRoots(ctx);
  const queued = await queuedRecipients(ctx.db);
  if (queued.length) {
    const groups = await groupIntoTransactions(ctx, queued);
    await createBatches(ctx.db, groups);
    ctx.onStep?.("batched");
  }
  const settled: PayoutBatchRow[] = [];
  for (const batch of await listUnsettledBatches(ctx.db)) settled.push(await settleBatch(ctx, batch));
  // A batch that failed on chain put its payouts back in the queue: pay them in new batches.
  if (settled.some((b) => b.status === "failed") && (await queuedRecipients(ctx.db)).length) {
    return [...settled, ...(await settlePayouts(ctx))];
  }
  return settled;
}

async function transfersFor(ctx: PayoutContext, recipients: BatchRecipient[]): Promise<PayoutTransfer[]> {
  const owners = recipients.map((r) => new PublicKey(r.address));
  const missing = new Set<string>();
  for (let i = 0; i < owners.length; i += 100) {
    const chunk = await ownersWithoutTokenAccount(
      ctx.chain,
      ctx.token.mint,
      owners.slice(i, i + 100),
      ctx.token.tokenProgramId,
    );
    for (const owner of chunk) missing.add(owner);
  }
  return recipients.map((r, i) => ({ owner: owners[i], amount: r.amount, createAccount: missing.has(r.address) }));
}

/** Puts every recipient's token account in a treasury-owned lookup table, so ~50 transfers fit in one transaction. */
async function ensureLookupTables(
  ctx: PayoutContext,
  transfers: PayoutTransfer[],
): Promise<AddressLookupTableAccount[]> {
  const { treasury, mint, tokenProgramId } = ctx.token;
  const tables: AddressLookupTableAccount[] = [];
  for (const address of await listLookupTables(ctx.db)) {
    const table = await fetchLookupTable(ctx.chain, new PublicKey(address));
    if (table) tables.push(table);
  }
  const ensured = await ensureTables(ctx.chain, {
    authority: treasury,
    tables,
    addresses: recipientLookupAddresses(mint, transfers, tokenProgramId),
    common: commonPayoutAddresses({ mint, treasuryOwner: treasury.publicKey, tokenProgramId }),
    onTableCreated: (table) => saveLookupTable(ctx.db, table.toBase58()),
  });
  return ensured.tables;
}

async function groupIntoTransactions(ctx: PayoutContext, recipients: BatchRecipient[]): Promise<BatchRecipient[][]> {
  const transfers = await transfersFor(ctx, recipients);
  const tables = await ensureLookupTables(ctx, transfers);
  const byOwner = new Map(recipients.map((r) => [r.address, r]));
  const { treasury, mint, decimals, tokenProgramId } = ctx.token;
  return planBatches(transfers, {
    payer: treasury.publicKey,
    treasuryOwner: treasury.publicKey,
    mint,
    decimals,
    tokenProgramId,
    memo: BATCH_ID_PLACEHOLDER,
    lookupTables: tables,
  }).map((b) => b.recipients.map((t) => byOwner.get(t.owner.toBase58())!));
}

/**
 * Builds, simulates for its compute units, signs and records the batch's transaction before anything is sent; if
 * another executor recorded one first, returns the batch as that executor left it.
 */
async function signBatch(
  ctx: PayoutContext,
  batch: PayoutBatchRow,
): Promise<{ record: PayoutBatchRow; stored: boolean }> {
  const recipients = await transfersFor(ctx, await getBatchRecipients(ctx.db, batch.id));
  const lookupTables = await ensureLookupTables(ctx, recipients);
  const prepared = await preparePayoutTransaction(ctx.chain, {
    token: ctx.token,
    recipients,
    memo: batch.id,
    lookupTables,
  });
  const stored = await saveSignedBatch(ctx.db, {
    batchId: batch.id,
    previousSignature: batch.signature,
    signature: prepared.signature,
    rawTx: prepared.wire,
    lastValidBlockHeight: prepared.lastValidBlockHeight,
  });
  // Another executor signed this batch first: carry on with its bytes (or its outcome), never with ours.
  if (!stored) return { record: await getBatch(ctx.db, batch.id), stored };
  return {
    record: {
      ...batch,
      status: "signed",
      signature: prepared.signature,
      rawTx: prepared.wire,
      lastValidBlockHeight: prepared.lastValidBlockHeight,
    },
    stored,
  };
}

/**
 * Drives one batch to a final state (durable-transaction.ts): looked up by signature first, the same bytes sent
 * again while their blockhash is valid, a new transaction built only once the block height has passed it unseen.
 */
export async function settleBatch(ctx: PayoutContext, initial: PayoutBatchRow): Promise<PayoutBatchRow> {
  return settleDurably(
    ctx.chain,
    initial,
    {
      sign: (batch) => signBatch(ctx, batch),
      markSent: (batch) => markBatchSent(ctx.db, batch.id),
      confirm: (batch, feeLamports) => confirmBatch(ctx.db, { batchId: batch.id, feeLamports }),
      fail: (batch, error) => failBatch(ctx.db, { batchId: batch.id, error }),
      onStep: (step) => ctx.onStep?.(step),
    },
    ctx.pollIntervalMs,
  );
}
