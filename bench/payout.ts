/**
 * `npm run bench -- payout [--recipients N] [--memory]`: token payouts on the embedded chain (LiteSVM with its
 * journal fsynced per transaction, in a temp folder; --memory keeps it in memory). N new wallets (default 5,000) are
 * paid twice: first with their token accounts created in the payout, then again once the accounts and the lookup
 * tables exist (the steady state of later epochs). Chain only: no database.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Keypair, LAMPORTS_PER_SOL, type AddressLookupTableAccount } from "@solana/web3.js";
import { ACCOUNT_SIZE, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { sendAndConfirm } from "../reward/chain/confirm.ts";
import { LiteSvmChain } from "../reward/chain/litesvm.ts";
import { ensureLookupTables } from "../reward/chain/lookup-tables.ts";
import { preparePayoutTransaction } from "../reward/chain/prepare-payout.ts";
import { ensurePlatformMint, type PlatformToken } from "../reward/chain/setup.ts";
import { commonPayoutAddresses, recipientLookupAddresses } from "../reward/payout/lookup-tables.ts";
import { planBatches, type PayoutTransfer } from "../reward/payout/transactions.ts";

interface Phase {
  name: string;
  lookupTableTransactions: number;
  lookupTableLamports: bigint;
  lookupTableRent: bigint;
  transactions: number;
  recipients: number;
  minPerTransaction: number;
  payoutLamports: bigint;
  accountRent: bigint;
  planSeconds: number;
  lookupSeconds: number;
  sendSeconds: number;
}

async function pay(chain: LiteSvmChain, token: PlatformToken, name: string, transfers: PayoutTransfer[], tables: AddressLookupTableAccount[]) {
  const treasury = token.treasury.publicKey;
  const balance = () => chain.getBalance(treasury);

  let started = performance.now();
  let before = await balance();
  const ensured = await ensureLookupTables(chain, {
    authority: token.treasury,
    tables,
    addresses: recipientLookupAddresses(token.mint, transfers),
    common: commonPayoutAddresses({ mint: token.mint, treasuryOwner: treasury }),
  });
  const lookupTableLamports = before - (await balance());
  const lookupSeconds = (performance.now() - started) / 1000;
  let lookupTableRent = 0n;
  for (const table of ensured.tables) lookupTableRent += (await chain.getAccountInfo(table.key))!.lamports;
  for (const table of tables) lookupTableRent -= (await chain.getAccountInfo(table.key))!.lamports;

  started = performance.now();
  const batches = planBatches(transfers, { payer: treasury, treasuryOwner: treasury, mint: token.mint, decimals: token.decimals, memo: `${name}/000`, lookupTables: ensured.tables });
  const planSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  before = await balance();
  for (const [i, batch] of batches.entries()) {
    const prepared = await preparePayoutTransaction(chain, { token, recipients: batch.recipients, memo: `${name}/${String(i).padStart(3, "0")}`, lookupTables: ensured.tables });
    await sendAndConfirm(chain, prepared.wire, prepared.lastValidBlockHeight);
  }
  const sendSeconds = (performance.now() - started) / 1000;
  const created = transfers.filter((t) => t.createAccount).length;
  const phase: Phase = {
    name,
    lookupTableTransactions: ensured.signatures.length,
    lookupTableLamports,
    lookupTableRent,
    transactions: batches.length,
    recipients: transfers.length,
    minPerTransaction: Math.min(...batches.slice(0, -1).map((b) => b.recipients.length), batches.length === 1 ? batches[0].recipients.length : Infinity),
    payoutLamports: before - (await balance()),
    accountRent: BigInt(created) * (await chain.getMinimumBalanceForRentExemption(ACCOUNT_SIZE)),
    planSeconds,
    lookupSeconds,
    sendSeconds,
  };
  return { phase, tables: ensured.tables };
}

function report(p: Phase) {
  const perRecipient = (lamports: bigint) => (Number(lamports) / p.recipients).toFixed(1);
  const payoutFees = p.payoutLamports - p.accountRent;
  const tableFees = p.lookupTableLamports - p.lookupTableRent;
  console.log(`\n${p.name}: ${p.recipients} recipients`);
  console.log(`  payout transactions       ${p.transactions}  (${(p.recipients / p.transactions).toFixed(1)} recipients per transaction, fewest in a full one ${p.minPerTransaction})`);
  console.log(`  payout fees               ${payoutFees} lamports = ${perRecipient(payoutFees)} per recipient`);
  console.log(`  token account rent        ${p.accountRent} lamports = ${perRecipient(p.accountRent)} per recipient`);
  console.log(`  lookup table transactions ${p.lookupTableTransactions}  (fees ${tableFees} lamports = ${perRecipient(tableFees)} per recipient, once per wallet)`);
  console.log(`  lookup table rent         ${p.lookupTableRent} lamports = ${perRecipient(p.lookupTableRent)} per recipient (recoverable by closing the tables)`);
  console.log(`  all fees                  ${perRecipient(payoutFees + tableFees)} lamports per recipient`);
  console.log(`  wall time                 ${(p.lookupSeconds + p.planSeconds + p.sendSeconds).toFixed(2)} s  (lookup tables ${p.lookupSeconds.toFixed(2)} s, planning ${p.planSeconds.toFixed(2)} s, prepare + send + confirm ${p.sendSeconds.toFixed(2)} s)`);
}

export async function run(args: string[] = process.argv.slice(3)): Promise<void> {
  const at = args.indexOf("--recipients");
  const count = at >= 0 ? Number(args[at + 1]) : 5000;
  const dir = mkdtempSync(path.join(os.tmpdir(), "pairwise-bench-chain-"));
  const chain = LiteSvmChain.open(args.includes("--memory") ? {} : { snapshotPath: path.join(dir, "litesvm.json") });
  try {
    const token = await ensurePlatformMint(chain, {
      treasury: Keypair.generate(),
      mint: Keypair.generate(),
      decimals: 6,
      initialSupply: 10n ** 18n,
      treasuryLamports: 1_000n * BigInt(LAMPORTS_PER_SOL),
    });
    const owners = Array.from({ length: count }, () => Keypair.generate().publicKey);
    console.log(`embedded chain (LiteSVM), ${args.includes("--memory") ? "in memory" : "journal fsynced per transaction"}; ${count} recipients`);

    const first = await pay(chain, token, "epoch 1, token accounts created", owners.map((owner, i) => ({ owner, amount: BigInt(1_000 + i), createAccount: true })), []);
    report(first.phase);
    const second = await pay(chain, token, "epoch 2, token accounts exist", owners.map((owner, i) => ({ owner, amount: BigInt(500 + i), createAccount: false })), first.tables);
    report(second.phase);

    const sample = owners[count - 1];
    const balance = await chain.getTokenBalance(getAssociatedTokenAddressSync(token.mint, sample));
    if (balance !== BigInt(1_500 + 2 * (count - 1))) throw new Error(`last recipient holds ${balance}, expected ${1_500 + 2 * (count - 1)}`);
  } finally {
    await chain.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
