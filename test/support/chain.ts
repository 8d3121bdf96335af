/** Chain and token setup for tests and benchmarks, and a payout driven end to end on a chain. */
import {
  Keypair,
  LAMPORTS_PER_SOL,
  type AddressLookupTableAccount,
  type PublicKey,
  type TransactionInstruction,
} from "@solana/web3.js";
import { sendAndConfirm, sendInstructions as send } from "../../reward/tokens/chain/confirm.ts";
import { LiteSvmChain } from "../../reward/tokens/chain/litesvm.ts";
import { ensureLookupTables } from "../../reward/tokens/payouts/lookup-table-actions.ts";
import { preparePayoutTransaction } from "../../reward/tokens/payouts/prepare.ts";
import { ensurePlatformMint, type PlatformToken } from "../../reward/tokens/chain/setup.ts";
import type { ChainAdapter } from "../../reward/tokens/chain/types.ts";
import { commonPayoutAddresses, recipientLookupAddresses } from "../../reward/tokens/payouts/lookup-tables.ts";
import { planBatches, type PayoutBatch, type PayoutTransfer } from "../../reward/tokens/payouts/transactions.ts";

export const DECIMALS = 6;
export const SUPPLY = 1_000_000_000n * 10n ** BigInt(DECIMALS);

/** A fresh 6-decimal mint on `chain` whose treasury holds SUPPLY and 1,000 SOL (or `treasuryLamports`). */
export async function createToken(
  chain: ChainAdapter,
  {
    treasury = Keypair.generate(),
    mint = Keypair.generate(),
    treasuryLamports = 1000n * BigInt(LAMPORTS_PER_SOL),
  } = {},
): Promise<PlatformToken & { created: boolean }> {
  return ensurePlatformMint(chain, { treasury, mint, decimals: DECIMALS, initialSupply: SUPPLY, treasuryLamports });
}

/** The embedded chain in memory with a fresh 6-decimal mint and a treasury holding 10⁹ tokens and 100 SOL. */
export async function inMemoryChain(): Promise<{ chain: LiteSvmChain; token: PlatformToken }> {
  const chain = LiteSvmChain.open();
  const token = await createToken(chain, { treasuryLamports: 100n * BigInt(LAMPORTS_PER_SOL) });
  return { chain, token };
}

/** Signs and sends one transaction with the given instructions; returns its signature once confirmed. */
export async function sendInstructions(
  chain: ChainAdapter,
  payer: Keypair,
  instructions: TransactionInstruction[],
  signers: Keypair[] = [],
) {
  return (await send(chain, payer, instructions, signers)).signature;
}

export interface PaidRun {
  batches: PayoutBatch[];
  signatures: string[];
  tables: AddressLookupTableAccount[];
  /** Tables reported by onTableCreated, in order. */
  createdTables: PublicKey[];
  /** Transactions that created or extended lookup tables. */
  tableSignatures: string[];
  /** Fees of the payout transactions (not of the lookup table ones). */
  fees: bigint;
}

/** The whole chain side of a payout: lookup tables, batches, compute budget, signing, sending, confirming. */
export async function payAll(
  chain: ChainAdapter,
  token: PlatformToken,
  transfers: PayoutTransfer[],
  tables: AddressLookupTableAccount[] = [],
  memo = "payout-test",
): Promise<PaidRun> {
  const treasuryOwner = token.treasury.publicKey;
  const createdTables: PublicKey[] = [];
  const ensured = await ensureLookupTables(chain, {
    authority: token.treasury,
    tables,
    addresses: recipientLookupAddresses(token.mint, transfers),
    common: commonPayoutAddresses({ mint: token.mint, treasuryOwner }),
    onTableCreated: async (table) => void createdTables.push(table),
  });
  const memoOf = (i: number) => `${memo}/${String(i).padStart(4, "0")}`;
  const options = {
    payer: treasuryOwner,
    treasuryOwner,
    mint: token.mint,
    decimals: token.decimals,
    memo: memoOf(0),
    lookupTables: ensured.tables,
  };
  const batches = planBatches(transfers, options);
  const signatures: string[] = [];
  let fees = 0n;
  for (const [i, batch] of batches.entries()) {
    const prepared = await preparePayoutTransaction(chain, {
      token,
      recipients: batch.recipients,
      memo: memoOf(i),
      lookupTables: ensured.tables,
    });
    await sendAndConfirm(chain, prepared.wire, prepared.lastValidBlockHeight);
    signatures.push(prepared.signature);
    fees += prepared.fee;
  }
  return { batches, signatures, tables: ensured.tables, createdTables, tableSignatures: ensured.signatures, fees };
}

export function wallets(n: number): PublicKey[] {
  return Array.from({ length: n }, () => Keypair.generate().publicKey);
}
