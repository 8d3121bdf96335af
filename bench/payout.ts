/**
 * `npm run bench -- payout [--recipients N] [--memory]`: token payouts on the embedded chain (LiteSVM with its
 * journal fsynced per transaction, in a temp folder; --memory keeps it in memory). N new wallets (default 5,000) are
 * paid twice: first with their token accounts created in the payout, then again once the accounts and the lookup
 * tables exist (the steady state of later epochs). Each epoch's Merkle root is posted first, as the executor does
 * (money rule 4): its tree, its memo transaction, and what they cost. Chain only: no database.
 */
import path from "node:path";
import { Keypair, LAMPORTS_PER_SOL, type AddressLookupTableAccount } from "@solana/web3.js";
import { ACCOUNT_SIZE, getAssociatedTokenAddressSync } from "@solana/spl-token";
import { LiteSvmChain } from "../reward/tokens/chain/litesvm.ts";
import { ensurePlatformMint, type PlatformToken } from "../reward/tokens/chain/setup.ts";
import type { PayoutTransfer } from "../reward/tokens/payouts/transactions.ts";
import { sendAndConfirm } from "../reward/tokens/chain/confirm.ts";
import { buildPayoutTree, payoutRootMemo } from "../reward/tokens/payouts/merkle.ts";
import { prepareRootTransaction } from "../reward/tokens/payouts/root-transaction.ts";
import { payAll } from "../test/support/chain.ts";
import { makeTempDir, removeTempDirs } from "../test/support/temp-dir.ts";

interface Phase {
  name: string;
  lookupTableTransactions: number;
  lookupTableFees: bigint;
  lookupTableRent: bigint;
  transactions: number;
  recipients: number;
  minPerTransaction: number;
  payoutFees: bigint;
  accountRent: bigint;
  seconds: number;
  rootTransactions: number;
  rootLamports: bigint;
  memoBytes: number;
  treeMs: number;
  rootMs: number;
}

/** The epoch's Merkle root over its transfers, posted in one memo transaction: what the executor sends first. */
async function postRoot(chain: LiteSvmChain, token: PlatformToken, epoch: string, transfers: PayoutTransfer[]) {
  const treasury = token.treasury.publicKey;
  const started = performance.now();
  const tree = buildPayoutTree(
    epoch,
    transfers.map((t) => ({ wallet: t.owner.toBase58(), amount: t.amount })),
  );
  const treeMs = performance.now() - started;
  const before = await chain.getBalance(treasury);
  const memo = payoutRootMemo(tree);
  const prepared = await prepareRootTransaction(chain, { treasury: token.treasury, memo });
  await sendAndConfirm(chain, prepared.wire, prepared.lastValidBlockHeight);
  return {
    rootTransactions: 1,
    rootLamports: before - (await chain.getBalance(treasury)),
    memoBytes: Buffer.byteLength(memo),
    treeMs,
    rootMs: performance.now() - started,
  };
}

async function pay(
  chain: LiteSvmChain,
  token: PlatformToken,
  name: string,
  epoch: string,
  transfers: PayoutTransfer[],
  tables: AddressLookupTableAccount[],
) {
  const root = await postRoot(chain, token, epoch, transfers);
  const treasury = token.treasury.publicKey;
  const before = await chain.getBalance(treasury);
  const started = performance.now();
  const run = await payAll(chain, token, transfers, tables, name);
  const seconds = (performance.now() - started) / 1000;
  let lookupTableRent = 0n;
  for (const table of run.tables) lookupTableRent += (await chain.getAccountInfo(table.key))!.lamports;
  for (const table of tables) lookupTableRent -= (await chain.getAccountInfo(table.key))!.lamports;
  const accountRent =
    BigInt(transfers.filter((t) => t.createAccount).length) *
    (await chain.getMinimumBalanceForRentExemption(ACCOUNT_SIZE));
  const spent = before - (await chain.getBalance(treasury));
  const sizes = run.batches.map((b) => b.recipients.length);
  const phase: Phase = {
    name,
    lookupTableTransactions: run.tableSignatures.length,
    lookupTableFees: spent - run.fees - accountRent - lookupTableRent,
    lookupTableRent,
    transactions: run.batches.length,
    recipients: transfers.length,
    minPerTransaction: sizes.length === 1 ? sizes[0] : Math.min(...sizes.slice(0, -1)),
    payoutFees: run.fees,
    accountRent,
    seconds,
    ...root,
  };
  return { phase, tables: run.tables };
}

function report(p: Phase) {
  const perRecipient = (lamports: bigint) => (Number(lamports) / p.recipients).toFixed(1);
  console.log(`\n${p.name}: ${p.recipients} recipients`);
  console.log(
    `  payout transactions       ${p.transactions}  (${(p.recipients / p.transactions).toFixed(1)} recipients per transaction, fewest in a full one ${p.minPerTransaction})`,
  );
  console.log(`  payout fees               ${p.payoutFees} lamports = ${perRecipient(p.payoutFees)} per recipient`);
  console.log(`  token account rent        ${p.accountRent} lamports = ${perRecipient(p.accountRent)} per recipient`);
  console.log(
    `  lookup table transactions ${p.lookupTableTransactions}  (fees ${p.lookupTableFees} lamports = ${perRecipient(p.lookupTableFees)} per recipient, once per wallet)`,
  );
  console.log(
    `  lookup table rent         ${p.lookupTableRent} lamports = ${perRecipient(p.lookupTableRent)} per recipient (recoverable by closing the tables)`,
  );
  console.log(
    `  merkle root               ${p.rootTransactions} transaction, ${p.rootLamports} lamports = ${perRecipient(p.rootLamports)} per recipient (memo ${p.memoBytes} bytes; tree ${p.treeMs.toFixed(0)} ms, tree + post + confirm ${p.rootMs.toFixed(0)} ms)`,
  );
  console.log(
    `  all fees                  ${perRecipient(p.payoutFees + p.lookupTableFees + p.rootLamports)} lamports per recipient (the root included)`,
  );
  console.log(
    `  wall time                 ${p.seconds.toFixed(2)} s (lookup tables, planning, prepare + send + confirm)`,
  );
}

export async function run(args: string[] = process.argv.slice(3)): Promise<void> {
  const at = args.indexOf("--recipients");
  const count = at >= 0 ? Number(args[at + 1]) : 5000;
  const dir = makeTempDir("bench-chain");
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
    console.log(
      `embedded chain (LiteSVM), ${args.includes("--memory") ? "in memory" : "journal fsynced per transaction"}; ${count} recipients`,
    );

    const first = await pay(
      chain,
      token,
      "epoch 1, token accounts created",
      "2026-11-23",
      owners.map((owner, i) => ({ owner, amount: BigInt(1_000 + i), createAccount: true })),
      [],
    );
    report(first.phase);
    const second = await pay(
      chain,
      token,
      "epoch 2, token accounts exist",
      "2026-11-24",
      owners.map((owner, i) => ({ owner, amount: BigInt(500 + i), createAccount: false })),
      first.tables,
    );
    report(second.phase);

    const sample = owners[count - 1];
    const balance = await chain.getTokenBalance(getAssociatedTokenAddressSync(token.mint, sample));
    if (balance !== BigInt(1_500 + 2 * (count - 1)))
      throw new Error(`last recipient holds ${balance}, expected ${1_500 + 2 * (count - 1)}`);
  } finally {
    await chain.close();
    removeTempDirs();
  }
}
