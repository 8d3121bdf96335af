import { EpochNotOverError } from "./epochs.ts";
import { setTimeout as sleep } from "node:timers/promises";
import { PublicKey, type AddressLookupTableAccount } from "@solana/web3.js";
import type { Db } from "../../../db/client.ts";
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
  planEpoch,
  projectsLabeledIn,
  remainingBudgets,
  tallyEpochLabels,
  type EpochWindow,
} from "../../../db/queries/payouts/ledger.ts";
import { ensureLookupTables as ensureTables, fetchLookupTable } from "./lookup-table-actions.ts";
import { ownersWithoutTokenAccount, preparePayoutTransaction } from "./prepare.ts";
import type { PlatformToken } from "../chain/setup.ts";
import { ChainUnavailableError, TransactionRejectedError, type ChainAdapter } from "../chain/types.ts";
import { commonPayoutAddresses, recipientLookupAddresses } from "./lookup-tables.ts";
import { planEarnings, totalsByLabeler } from "./plan.ts";
import { planBatches, type PayoutTransfer } from "./transactions.ts";

/** Points where the executor has just made durable progress; a crash test kills the process at each of them. */
export type PayoutStep = "planned" | "batched" | "signed" | "sent" | "confirmed";

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
  /** Owed to labelers without a linked wallet; paid once they link one. */
  awaitingWallet: number;
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
  if (!params.dryRun && (await isEpochPlanned(db, epoch.id)))
    return summarize(ctx, epoch, false, await settlePayouts(ctx));
  if (ctx.refreshConsensus)
    for (const projectId of await projectsLabeledIn(db, epoch)) await ctx.refreshConsensus(projectId);
  const tallies = await tallyEpochLabels(db, epoch);
  if (params.dryRun) {
    const remaining = await remainingBudgets(
      db,
      tallies.map((t) => t.projectId),
      { lock: false },
    );
    const totals = totalsByLabeler(earningsFor(tallies, remaining));
    return {
      epoch: epoch.id,
      dryRun: true,
      planned: false,
      labelers: [...totals]
        .filter(([, a]) => a > 0n)
        .map(([labelerId, amount]) => ({ labelerId, amount: amount.toString() })),
      transactions: [],
      awaitingWallet: 0,
    };
  }
  const planned = await planEpoch(db, { window: epoch, tallies, plan: (remaining) => earningsFor(tallies, remaining) });
  ctx.onStep?.("planned");
  return summarize(ctx, epoch, planned, await settlePayouts(ctx));
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
    awaitingWallet: ledger.filter((l) => l.waiting).length,
  };
}

/** Batches everything queued for labelers with wallets and settles every unsettled batch. */
export async function settlePayouts(ctx: PayoutContext): Promise<PayoutBatchRow[]> {
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
async function signBatch(ctx: PayoutContext, batch: PayoutBatchRow): Promise<PayoutBatchRow> {
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
  if (!stored) return getBatch(ctx.db, batch.id);
  ctx.onStep?.("signed");
  return {
    ...batch,
    status: "signed",
    signature: prepared.signature,
    rawTx: prepared.wire,
    lastValidBlockHeight: prepared.lastValidBlockHeight,
  };
}

/**
 * Drives one batch to a final state. A signed batch is first looked up by signature; if the chain has not seen
 * it and its blockhash is still valid, the very same bytes are sent again; only once the block height has passed
 * its last valid height (so those bytes can never land) is a new transaction built and signed.
 */
export async function settleBatch(ctx: PayoutContext, initial: PayoutBatchRow): Promise<PayoutBatchRow> {
  let batch = initial;
  let sent = false;
  for (;;) {
    if (batch.status === "new") {
      batch = await signBatch(ctx, batch);
      sent = false;
      if (batch.status === "confirmed" || batch.status === "failed") return batch;
    }
    const [status] = await ctx.chain.getSignatureStatuses([batch.signature!]);
    // A failure counts only once finalized too: the same bytes may still land on another fork.
    if (status?.err && status.confirmationStatus === "finalized") {
      await failBatch(ctx.db, { batchId: batch.id, error: JSON.stringify(status.err) });
      return { ...batch, status: "failed", error: JSON.stringify(status.err) };
    }
    // Paid means finalized: a confirmed block can still be rolled back (the embedded chain finalizes at once).
    if (status?.confirmationStatus === "finalized") {
      const landed = await ctx.chain.getTransaction(batch.signature!);
      await confirmBatch(ctx.db, { batchId: batch.id, feeLamports: landed?.fee ?? 0n });
      ctx.onStep?.("confirmed");
      return { ...batch, status: "confirmed", feeLamports: landed?.fee ?? 0n };
    }
    if (!status) {
      if ((await ctx.chain.getBlockHeight()) > batch.lastValidBlockHeight!) {
        // Expired unseen: those bytes can never land, so building a new transaction cannot pay twice.
        const [late] = await ctx.chain.getSignatureStatuses([batch.signature!]);
        if (!late) batch = { ...batch, status: "new" };
        continue;
      }
      if (!sent) {
        try {
          await ctx.chain.sendRawTransaction(batch.rawTx!);
          await markBatchSent(ctx.db, batch.id);
          ctx.onStep?.("sent");
          sent = true;
          continue;
        } catch (error) {
          // Unknown outcome, or a blockhash this node does not know (it may lag the cluster, which can still land
          // bytes sent earlier): look the signature up again; only the block height decides that they expired.
          const blockhashRefused = error instanceof TransactionRejectedError && error.reason === "blockhash-expired";
          if (!(error instanceof ChainUnavailableError) && !blockhashRefused) throw error;
        }
      }
    }
    await sleep(ctx.pollIntervalMs ?? 400);
  }
}
