import { describe, expect, it } from "vitest";
import {
  AddressLookupTableAccount,
  Keypair,
  PACKET_DATA_SIZE,
  PublicKey,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { LiteSvmChain } from "../../../../reward/tokens/chain/litesvm.ts";
import { ownersWithoutTokenAccount } from "../../../../reward/tokens/payouts/prepare.ts";
import {
  ADDRESSES_PER_EXTEND,
  ADDRESSES_WITH_CREATE,
  LOOKUP_TABLE_CAPACITY,
  buildCreateLookupTableInstruction,
  buildExtendLookupTableInstructions,
  commonPayoutAddresses,
  planLookupTables,
  recipientLookupAddresses,
} from "../../../../reward/tokens/payouts/lookup-tables.ts";
import {
  MAX_ACCOUNTS_PER_TRANSACTION,
  PayoutTransactionError,
  buildPayoutTransaction,
  planBatches,
  type PayoutTransfer,
} from "../../../../reward/tokens/payouts/transactions.ts";
import { MEMO_PROGRAM_ID } from "../../../../reward/tokens/chain/memo.ts";
import { createToken, payAll, SUPPLY, wallets } from "../../../support/chain.ts";

const mint = Keypair.generate().publicKey;
const treasury = Keypair.generate().publicKey;
const options = { payer: treasury, treasuryOwner: treasury, mint, decimals: 6, memo: "payout-2024-05-epoch-12-batch" };

/** Tables as ensureLookupTables would fill them, without a chain. */
function offlineTables(transfers: PayoutTransfer[]): AddressLookupTableAccount[] {
  const plan = planLookupTables(
    recipientLookupAddresses(mint, transfers),
    [],
    commonPayoutAddresses({ mint, treasuryOwner: treasury }),
  );
  return plan.create.map(
    (addresses) =>
      new AddressLookupTableAccount({
        key: Keypair.generate().publicKey,
        state: {
          deactivationSlot: BigInt("18446744073709551615"),
          lastExtendedSlot: 1,
          lastExtendedSlotStartIndex: 0,
          authority: treasury,
          addresses,
        },
      }),
  );
}

function serializedSize(instructions: ConstructorParameters<typeof TransactionMessage>[0]["instructions"]): number {
  const message = new TransactionMessage({
    payerKey: treasury,
    recentBlockhash: PublicKey.default.toBase58(),
    instructions,
  }).compileToV0Message();
  try {
    return new VersionedTransaction(message).serialize().length;
  } catch {
    return Infinity;
  }
}

describe("payout batches (pure)", () => {
  it("packs at least 45 existing-account recipients per transaction through lookup tables, within every limit", () => {
    const transfers = wallets(300).map((owner, i) => ({ owner, amount: BigInt(1 + i), createAccount: false }));
    const tables = offlineTables(transfers);
    expect(tables).toHaveLength(2);
    const batches = planBatches(transfers, { ...options, lookupTables: tables });
    for (const batch of batches.slice(0, -1)) expect(batch.recipients.length).toBeGreaterThanOrEqual(45);
    for (const batch of batches) {
      expect(batch.size).toBeLessThanOrEqual(PACKET_DATA_SIZE);
      expect(batch.accounts).toBeLessThanOrEqual(MAX_ACCOUNTS_PER_TRANSACTION);
      const tx = buildPayoutTransaction({
        ...options,
        recipients: batch.recipients,
        recentBlockhash: PublicKey.default.toBase58(),
        lookupTables: tables,
        computeUnitLimit: 50_000,
      });
      expect(tx.serialize().length).toBe(batch.size);
    }
    expect(batches.flatMap((b) => b.recipients)).toEqual(transfers);
    // Without tables every token account is written out in full: far fewer recipients fit.
    const plain = planBatches(transfers.slice(0, 60), options);
    expect(plain[0].recipients.length).toBeLessThan(25);
  });

  it("keeps batches that create token accounts within the 64-entry instruction trace, existing accounts first", () => {
    const transfers = wallets(40).map((owner, i) => ({ owner, amount: 5n, createAccount: i % 2 === 0 }));
    const batches = planBatches(transfers, { ...options, lookupTables: offlineTables(transfers) });
    const trace = (b: (typeof batches)[number]) =>
      2 + b.recipients.reduce((n, r) => n + 1 + (r.createAccount ? 7 : 0), 0);
    for (const batch of batches) expect(trace(batch)).toBeLessThanOrEqual(64);
    expect(batches[0].recipients.slice(0, 20).every((r) => !r.createAccount)).toBe(true);
    expect(batches.flatMap((b) => b.recipients)).toHaveLength(40);
  });

  it("refuses duplicate recipients, amounts outside u64 and an empty memo", () => {
    const [a, b] = wallets(2);
    expect(() =>
      planBatches(
        [
          { owner: a, amount: 1n, createAccount: false },
          { owner: a, amount: 2n, createAccount: true },
        ],
        options,
      ),
    ).toThrow(PayoutTransactionError);
    expect(() => planBatches([{ owner: b, amount: 0n, createAccount: false }], options)).toThrow(/not a positive u64/);
    expect(() => planBatches([{ owner: b, amount: 1n << 64n, createAccount: false }], options)).toThrow(
      /not a positive u64/,
    );
    expect(() => planBatches([{ owner: b, amount: 1n, createAccount: false }], { ...options, memo: "" })).toThrow(
      /memo/,
    );
    expect(() =>
      planBatches([{ owner: b, amount: 1n, createAccount: false }], { ...options, memo: "x".repeat(1100) }),
    ).toThrow(/does not fit/);
  });

  it("sizes lookup table transactions to the packet limit", () => {
    const owner = { authority: treasury, payer: treasury };
    const { instruction, table } = buildCreateLookupTableInstruction({ ...owner, recentSlot: 1234n });
    const extend = (n: number) =>
      buildExtendLookupTableInstructions({ ...owner, table, addresses: wallets(n), chunk: n })[0];
    expect(serializedSize([instruction, extend(ADDRESSES_WITH_CREATE)])).toBeLessThanOrEqual(PACKET_DATA_SIZE);
    expect(serializedSize([instruction, extend(ADDRESSES_WITH_CREATE + 1)])).toBeGreaterThan(PACKET_DATA_SIZE);
    expect(serializedSize([extend(ADDRESSES_PER_EXTEND)])).toBeLessThanOrEqual(PACKET_DATA_SIZE);
    expect(serializedSize([extend(ADDRESSES_PER_EXTEND + 1)])).toBeGreaterThan(PACKET_DATA_SIZE);
    expect(buildExtendLookupTableInstructions({ ...owner, table, addresses: wallets(61) })).toHaveLength(3);
  });

  it("fills existing tables before creating new ones, each new one starting with the common accounts", () => {
    const common = commonPayoutAddresses({ mint, treasuryOwner: treasury });
    const first = offlineTables(wallets(100).map((owner) => ({ owner, amount: 1n, createAccount: false })));
    const more = wallets(400);
    const plan = planLookupTables([...first[0].state.addresses.slice(5, 10), ...more], first, common);
    expect(plan.extend).toEqual([{ table: first[0].key, addresses: more.slice(0, LOOKUP_TABLE_CAPACITY - 103) }]);
    expect(plan.create).toHaveLength(1);
    expect(plan.create[0].slice(0, 3)).toEqual(common);
    expect(plan.create[0].slice(3)).toEqual(more.slice(LOOKUP_TABLE_CAPACITY - 103));
  });
});

describe("payouts on the embedded chain", () => {
  it("pays 300 recipients, with and without token accounts, exactly once each, through lookup tables", async () => {
    const chain = LiteSvmChain.open();
    const token = await createToken(chain);
    const owners = wallets(300);
    const treasuryOwner = token.treasury.publicKey;

    const fresh = await payAll(
      chain,
      token,
      owners.slice(0, 200).map((owner) => ({ owner, amount: 1_000n, createAccount: true })),
      [],
      "epoch-1",
    );
    expect(fresh.createdTables).toHaveLength(1);
    expect(fresh.tables.map((t) => t.key.toBase58())).toEqual(fresh.createdTables.map((t) => t.toBase58()));
    expect(fresh.tables[0].state.addresses).toHaveLength(203);
    const missing = await ownersWithoutTokenAccount(chain, token.mint, owners);
    expect(missing).toEqual(new Set(owners.slice(200).map((o) => o.toBase58())));

    const second = owners.map((owner, i) => ({
      owner,
      amount: BigInt(i + 1),
      createAccount: missing.has(owner.toBase58()),
    }));
    const mixed = await payAll(chain, token, second, fresh.tables, "epoch-2");
    for (const [i, owner] of owners.entries()) {
      const balance = await chain.getTokenBalance(getAssociatedTokenAddressSync(token.mint, owner));
      expect(balance).toBe((i < 200 ? 1_000n : 0n) + BigInt(i + 1));
    }
    const paid = 200n * 1_000n + (300n * 301n) / 2n;
    expect(await chain.getTokenBalance(token.treasuryTokenAccount)).toBe(SUPPLY - paid);

    const statuses = await chain.getSignatureStatuses([...fresh.signatures, ...mixed.signatures]);
    expect(statuses.every((s) => s?.err === null && s.confirmationStatus === "finalized")).toBe(true);
    const landed = await chain.getTransaction(mixed.signatures[0]);
    const memo = landed!.transaction.message.compiledInstructions.find((ix) =>
      landed!.transaction.message.staticAccountKeys[ix.programIdIndex].equals(MEMO_PROGRAM_ID),
    );
    expect(Buffer.from(memo!.data).toString()).toBe("epoch-2/0000");
    expect(landed!.loadedAddresses.writable.length).toBeGreaterThanOrEqual(45);

    // A third epoch where every account exists: the fee target holds on chain, not just on paper.
    const lamportsBefore = await chain.getBalance(treasuryOwner);
    const steady = await payAll(
      chain,
      token,
      owners.map((owner) => ({ owner, amount: 1n, createAccount: false })),
      mixed.tables,
      "epoch-3",
    );
    const spent = lamportsBefore - (await chain.getBalance(treasuryOwner));
    expect(spent).toBe(steady.fees);
    expect(steady.batches.slice(0, -1).every((b) => b.recipients.length >= 45)).toBe(true);
    expect(Number(spent) / 300).toBeLessThanOrEqual(150);
    expect(await chain.getTokenBalance(token.treasuryTokenAccount)).toBe(SUPPLY - paid - 300n);
    await chain.close();
  });
});
