import {
  ComputeBudgetProgram,
  PACKET_DATA_SIZE,
  PublicKey,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
  type AddressLookupTableAccount,
} from "@solana/web3.js";
import {
  TOKEN_PROGRAM_ID,
  createAssociatedTokenAccountIdempotentInstruction,
  createTransferCheckedInstruction,
} from "@solana/spl-token";
import { keyString, selectLookupTables } from "./lookup-table-selection.ts";
import { buildMemoInstruction } from "../chain/memo.ts";
import { associatedTokenAccount } from "../chain/token-account-address.ts";

/** Accounts one transaction may lock (loaded from lookup tables included). */
export const MAX_ACCOUNTS_PER_TRANSACTION = 64;
/** Instructions one transaction may run, counting every cross-program call. */
export const MAX_INSTRUCTION_TRACE = 64;
/**
 * Trace entries of a CreateIdempotent for a new account: itself, GetAccountDataSize, transfer + allocate + assign
 * (three system calls when someone already sent lamports to the address, one otherwise), InitializeImmutableOwner,
 * InitializeAccount3. Planning for the worst case keeps a prefunded address from failing a whole batch.
 */
const CREATE_ACCOUNT_TRACE = 7;
const MAX_U64 = (1n << 64n) - 1n;

export class PayoutTransactionError extends Error {
  override name = "PayoutTransactionError";
}

export interface PayoutTransfer {
  /** The recipient's wallet; the tokens go to its associated token account. */
  owner: PublicKey;
  amount: bigint;
  /** Create the associated token account in the same transaction (idempotent; the treasury pays its rent). */
  createAccount: boolean;
}

export interface PayoutTransactionParams {
  /** Fee payer; usually the treasury owner, so that the transaction carries one signature. */
  payer: PublicKey;
  treasuryOwner: PublicKey;
  mint: PublicKey;
  decimals: number;
  tokenProgramId?: PublicKey;
  recipients: PayoutTransfer[];
  /** Carried by a Memo instruction: the payout batch id, so the transaction can be matched to the ledger. */
  memo: string;
  recentBlockhash: string;
  /** Tables holding recipients' token accounts; the ones that save bytes are used. */
  lookupTables?: AddressLookupTableAccount[];
  /** From a simulation; without it the runtime reserves 200,000 units per instruction. */
  computeUnitLimit?: number;
  /** Priority fee in micro-lamports per compute unit. */
  computeUnitPrice?: bigint;
}

function assertTransfers(recipients: PayoutTransfer[]) {
  const owners = new Set<string>();
  for (const r of recipients) {
    if (r.amount <= 0n || r.amount > MAX_U64)
      throw new PayoutTransactionError(`amount ${r.amount} for ${r.owner.toBase58()} is not a positive u64`);
    const owner = r.owner.toBase58();
    if (owners.has(owner)) throw new PayoutTransactionError(`${owner} appears twice in one payout`);
    owners.add(owner);
  }
}

function payoutInstructions(params: PayoutTransactionParams): TransactionInstruction[] {
  const { payer, treasuryOwner, mint, decimals } = params;
  const tokenProgramId = params.tokenProgramId ?? TOKEN_PROGRAM_ID;
  const treasuryAccount = associatedTokenAccount(mint, treasuryOwner, tokenProgramId);
  const instructions: TransactionInstruction[] = [];
  if (params.computeUnitLimit !== undefined)
    instructions.push(ComputeBudgetProgram.setComputeUnitLimit({ units: params.computeUnitLimit }));
  if (params.computeUnitPrice)
    instructions.push(ComputeBudgetProgram.setComputeUnitPrice({ microLamports: params.computeUnitPrice }));
  instructions.push(buildMemoInstruction(params.memo));
  for (const { owner, amount, createAccount } of params.recipients) {
    const account = associatedTokenAccount(mint, owner, tokenProgramId);
    if (createAccount)
      instructions.push(createAssociatedTokenAccountIdempotentInstruction(payer, account, owner, mint, tokenProgramId));
    instructions.push(
      createTransferCheckedInstruction(
        treasuryAccount,
        mint,
        account,
        treasuryOwner,
        amount,
        decimals,
        [],
        tokenProgramId,
      ),
    );
  }
  return instructions;
}

function compile(params: PayoutTransactionParams, instructions: TransactionInstruction[]): VersionedTransaction {
  const signersAndPrograms = new Set(
    [params.payer, params.treasuryOwner, ...instructions.map((ix) => ix.programId)].map(keyString),
  );
  const lookupKeys = instructions
    .flatMap((ix) => ix.keys.map((k) => k.pubkey))
    .filter((k) => !signersAndPrograms.has(keyString(k)));
  const tables = selectLookupTables(lookupKeys, params.lookupTables ?? []);
  const message = new TransactionMessage({
    payerKey: params.payer,
    recentBlockhash: params.recentBlockhash,
    instructions,
  }).compileToV0Message(tables);
  return new VersionedTransaction(message);
}

/**
 * One payout transaction (v0 message, unsigned): an optional compute budget, a memo with the batch id, then for
 * each recipient an optional idempotent creation of their associated token account and a TransferChecked from the
 * treasury's account. Signed by the payer and the treasury owner (one signature when they are the same key).
 */
export function buildPayoutTransaction(params: PayoutTransactionParams): VersionedTransaction {
  if (params.recipients.length === 0)
    throw new PayoutTransactionError("a payout transaction needs at least one recipient");
  if (params.memo.length === 0) throw new PayoutTransactionError("a payout transaction needs a memo");
  assertTransfers(params.recipients);
  const tx = compile(params, payoutInstructions(params));
  let size: number;
  try {
    size = tx.serialize().length;
  } catch {
    size = Infinity;
  }
  if (size > PACKET_DATA_SIZE)
    throw new PayoutTransactionError(
      `the batch does not fit in one transaction (${size} bytes, the limit is ${PACKET_DATA_SIZE})`,
    );
  return tx;
}

export interface PayoutBatch {
  recipients: PayoutTransfer[];
  /** Serialized size in bytes, signatures included. */
  size: number;
  /** Accounts the transaction locks. */
  accounts: number;
}

/** `memo` must be as long as the memos the batches will carry (e.g. a placeholder batch id): it is measured. */
export interface PlanOptions extends Omit<
  PayoutTransactionParams,
  "recipients" | "recentBlockhash" | "computeUnitLimit"
> {
  /** Leave room for the SetComputeUnitLimit instruction that will carry the simulated units (default true). */
  withComputeUnitLimit?: boolean;
}

/** Size and account count of a candidate batch, or null when it breaks a transaction limit. */
function measure(recipients: PayoutTransfer[], options: PlanOptions): PayoutBatch | null {
  const withLimit = options.withComputeUnitLimit ?? true;
  const budget = (withLimit ? 1 : 0) + (options.computeUnitPrice ? 1 : 0);
  const trace = budget + 1 + recipients.reduce((sum, r) => sum + 1 + (r.createAccount ? CREATE_ACCOUNT_TRACE : 0), 0);
  if (trace > MAX_INSTRUCTION_TRACE) return null;
  const params: PayoutTransactionParams = {
    ...options,
    recipients,
    recentBlockhash: PublicKey.default.toBase58(),
    computeUnitLimit: withLimit ? 0 : undefined,
  };
  let tx: VersionedTransaction;
  let size: number;
  try {
    tx = compile(params, payoutInstructions(params));
    size = tx.serialize().length; // throws once the message outgrows the packet buffer
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
  const accounts =
    tx.message.staticAccountKeys.length +
    tx.message.addressTableLookups.reduce((n, l) => n + l.writableIndexes.length + l.readonlyIndexes.length, 0);
  if (size > PACKET_DATA_SIZE || accounts > MAX_ACCOUNTS_PER_TRANSACTION) return null;
  return { recipients, size, accounts };
}

/**
 * The largest n ≤ limit for which `fits(n)` gives a batch; every limit grows with n, so the answer is found by
 * galloping from `guess` (usually the previous batch's size: two builds when it is right) and then bisecting.
 */
function largestFitting(limit: number, guess: number, fits: (n: number) => PayoutBatch | null): PayoutBatch | null {
  let low = 0; // the largest n known to fit (0 always does)
  let high = limit + 1; // the smallest n known not to
  let best: PayoutBatch | null = null;
  let probe = Math.max(1, Math.min(guess, limit));
  let step = 1;
  let seenFit = false;
  let seenMiss = false;
  while (high - low > 1) {
    const batch = fits(probe);
    if (batch) [low, best, seenFit] = [probe, batch, true];
    else [high, seenMiss] = [probe, true];
    if (seenFit && seenMiss) probe = Math.floor((low + high) / 2);
    else probe = batch ? Math.min(low + step, high - 1) : Math.max(high - step, low + 1);
    step *= 2;
  }
  return best;
}

/**
 * Packs recipients into as few transactions as the limits allow: 1232 bytes on the wire, 64 locked accounts, 64
 * instructions in the trace. Sizes are measured on the compiled transaction, with the same options and lookup tables
 * the real build will use. Recipients whose accounts exist come first (in input order), then those needing one.
 */
export function planBatches(recipients: PayoutTransfer[], options: PlanOptions): PayoutBatch[] {
  if (options.memo.length === 0) throw new PayoutTransactionError("a payout transaction needs a memo");
  assertTransfers(recipients);
  const pending = [...recipients.filter((r) => !r.createAccount), ...recipients.filter((r) => r.createAccount)];
  const batches: PayoutBatch[] = [];
  let guess = 32;
  for (let start = 0; start < pending.length;) {
    const limit = Math.min(pending.length - start, MAX_ACCOUNTS_PER_TRANSACTION);
    const batch = largestFitting(limit, guess, (n) => measure(pending.slice(start, start + n), options));
    if (!batch)
      throw new PayoutTransactionError(
        `a transfer to ${pending[start].owner.toBase58()} does not fit in a transaction (memo too long?)`,
      );
    batches.push(batch);
    start += batch.recipients.length;
    guess = batch.recipients.length;
  }
  return batches;
}
