import { Keypair, TransactionMessage, VersionedTransaction, type TransactionInstruction } from "@solana/web3.js";
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createBurnCheckedInstruction,
  createTransferCheckedInstruction,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../../../db/client.ts";
import { getFundsSummary, listProjectFunds } from "../../../../db/queries/funds.ts";
import { linkWallet } from "../../../../db/queries/wallets.ts";
import { depositOrders, projectFunds, projects } from "../../../../db/schema/index.ts";
import { buildMemoInstruction } from "../../../../reward/tokens/chain/memo.ts";
import { LiteSvmChain } from "../../../../reward/tokens/chain/litesvm.ts";
import type { PlatformToken } from "../../../../reward/tokens/chain/setup.ts";
import {
  completeDeposit,
  createDepositOrder,
  type DepositContext,
} from "../../../../reward/tokens/deposits/service.ts";
import { DepositRejectedError } from "../../../../reward/tokens/deposits/verify.ts";
import { completeRedemption, startRedemption } from "../../../../reward/tokens/redemptions/service.ts";
import { createToken, DECIMALS, inMemoryChain, sendInstructions } from "../../../support/chain.ts";
import { createTestDb } from "../../../support/db.ts";
import { makeProject, makeUser } from "../../../support/fixtures.ts";

let h: DbHandle;
let chain: LiteSvmChain;
let token: PlatformToken;
let fake: PlatformToken;
let ctx: DepositContext;
const wallet = Keypair.generate();
const mallory = Keypair.generate();
let requesterId = "";
let projectId = "";
const TOKEN = 10n ** BigInt(DECIMALS);

const accountOf = (owner: Keypair, mint = token.mint) => getAssociatedTokenAddressSync(mint, owner.publicKey);

/** Gives `owner` a token account holding `amount` of `of`'s mint, sent by its treasury. */
async function fundWallet(of: PlatformToken, owner: Keypair, amount: bigint) {
  const account = getAssociatedTokenAddressSync(of.mint, owner.publicKey);
  await sendInstructions(chain, of.treasury, [
    createAssociatedTokenAccountIdempotentInstruction(of.treasury.publicKey, account, owner.publicKey, of.mint),
    createTransferCheckedInstruction(of.treasuryTokenAccount, of.mint, account, of.treasury.publicKey, amount, 6),
  ]);
}

beforeAll(async () => {
  h = await createTestDb();
  ({ chain, token } = await inMemoryChain());
  fake = await createToken(chain);
  ctx = { db: h.db, chain, token };
  requesterId = (await makeUser(h.db, "requester")).id;
  projectId = (await makeProject(h.db, requesterId, { funded: 0n, budget: 1_000n * TOKEN })).id;
  await linkWallet(h.db, { userId: requesterId, address: wallet.publicKey.toBase58() });
  // The requester's wallet holds 100 tokens and no SOL at all: the treasury sponsors the deposit's fee.
  await fundWallet(token, wallet, 100n * TOKEN);
  await fundWallet(token, mallory, 100n * TOKEN);
  await fundWallet(fake, wallet, 100n * TOKEN);
  await chain.requestAirdrop(mallory.publicKey, 1_000_000_000n);
  await chain.requestAirdrop(wallet.publicKey, 1_000_000_000n);
  // The treasury's account for the fake mint, so a transfer of fake tokens "to the treasury" can land.
  await sendInstructions(chain, token.treasury, [
    createAssociatedTokenAccountIdempotentInstruction(
      token.treasury.publicKey,
      getAssociatedTokenAddressSync(fake.mint, token.treasury.publicKey),
      token.treasury.publicKey,
      fake.mint,
    ),
  ]);
});
afterAll(async () => {
  await chain.close();
  await h.close();
});

function walletSigns(base64: string, signer = wallet): Uint8Array {
  const tx = VersionedTransaction.deserialize(Buffer.from(base64, "base64"));
  tx.sign([signer]);
  return tx.serialize();
}

/** A transaction `signer` builds, pays for and sends itself; returns its signature. */
async function land(signer: Keypair, instructions: TransactionInstruction[]): Promise<string> {
  const { blockhash } = await chain.getLatestBlockhash();
  const message = new TransactionMessage({ payerKey: signer.publicKey, recentBlockhash: blockhash, instructions });
  const tx = new VersionedTransaction(message.compileToV0Message());
  tx.sign([signer]);
  return (await chain.sendRawTransaction(tx.serialize())).signature;
}

const transfer = (owner: Keypair, amount: bigint, of = token) =>
  createTransferCheckedInstruction(
    getAssociatedTokenAddressSync(of.mint, owner.publicKey),
    of.mint,
    getAssociatedTokenAddressSync(of.mint, token.treasury.publicKey),
    owner.publicKey,
    amount,
    DECIMALS,
  );

async function funded() {
  return (await getFundsSummary(h.db, projectId)).funded;
}

async function ordersWritten() {
  const [{ n }] = await h.db.select({ n: count() }).from(depositOrders);
  return n;
}

describe("deposits", () => {
  it("funds a project once from a verified transfer, from a wallet that holds no SOL of its own", async () => {
    const poor = Keypair.generate();
    await linkWallet(h.db, { userId: requesterId, address: poor.publicKey.toBase58() });
    await fundWallet(token, poor, 10n * TOKEN);
    const { order, transaction } = await createDepositOrder(ctx, {
      projectId,
      userId: requesterId,
      amount: 5n * TOKEN,
    });
    expect(order).toMatchObject({
      projectId,
      address: poor.publicKey.toBase58(),
      amount: 5n * TOKEN,
      status: "pending",
    });
    const treasuryBefore = await chain.getTokenBalance(token.treasuryTokenAccount);
    const done = await completeDeposit(ctx, {
      userId: requesterId,
      orderId: order.id,
      signedTransaction: walletSigns(transaction, poor),
    });
    expect(done).toMatchObject({ funded: 5n * TOKEN, remaining: 5n * TOKEN });
    expect(await chain.getTokenBalance(accountOf(poor))).toBe(5n * TOKEN);
    expect((await chain.getTokenBalance(token.treasuryTokenAccount)) - treasuryBefore).toBe(5n * TOKEN);
    const [row] = await listProjectFunds(h.db, projectId);
    expect(row).toMatchObject({
      kind: "deposit",
      amount: 5n * TOKEN,
      signature: done.signature,
      depositOrderId: order.id,
      actorId: requesterId,
    });

    // The same order again, or the same signature for another order, funds nothing.
    await expect(
      completeDeposit(ctx, { userId: requesterId, orderId: order.id, signature: done.signature }),
    ).rejects.toMatchObject({ code: "order_done" });
    const other = await createDepositOrder(ctx, { projectId, userId: requesterId, amount: 5n * TOKEN });
    await expect(
      completeDeposit(ctx, { userId: requesterId, orderId: other.order.id, signature: done.signature }),
    ).rejects.toMatchObject({ code: "signature_reused" });
    expect(await funded()).toBe(5n * TOKEN);
    await linkWallet(h.db, { userId: requesterId, address: wallet.publicKey.toBase58() });
  });

  it("funds from the signature of a transaction the wallet sent itself", async () => {
    const { order, transaction } = await createDepositOrder(ctx, {
      projectId,
      userId: requesterId,
      amount: 2n * TOKEN,
    });
    const tx = VersionedTransaction.deserialize(Buffer.from(transaction, "base64"));
    tx.sign([wallet, token.treasury]);
    const { signature } = await chain.sendRawTransaction(tx.serialize());
    expect(await completeDeposit(ctx, { userId: requesterId, orderId: order.id, signature })).toMatchObject({
      signature,
      funded: 7n * TOKEN,
    });
  });

  it("refuses forged deposits: another mint, another amount, another wallet, another memo, a burn", async () => {
    const before = await funded();
    const { order } = await createDepositOrder(ctx, { projectId, userId: requesterId, amount: 3n * TOKEN });
    const refusal = async (signature: string) => {
      const error = await completeDeposit(ctx, { userId: requesterId, orderId: order.id, signature }).catch((e) => e);
      expect(error).toBeInstanceOf(DepositRejectedError);
      return error as DepositRejectedError;
    };
    const memo = buildMemoInstruction(order.id);

    expect(await refusal(await land(wallet, [memo, transfer(wallet, 3n * TOKEN, fake)]))).toMatchObject({
      reason: "wrong-mint",
    });
    expect(await refusal(await land(wallet, [memo, transfer(wallet, 3n * TOKEN - 1n)]))).toMatchObject({
      reason: "wrong-amount",
    });
    // Mallory pays the treasury herself, quoting the requester's order: the order's wallet did not sign.
    expect(await refusal(await land(mallory, [memo, transfer(mallory, 3n * TOKEN)]))).toMatchObject({
      reason: "wrong-authority",
    });
    expect(
      await refusal(await land(wallet, [buildMemoInstruction("another order"), transfer(wallet, 3n * TOKEN)])),
    ).toMatchObject({ reason: "memo-mismatch" });
    // The order's memo with another one beside it: the same transaction could otherwise fulfil a second order.
    expect(
      await refusal(await land(wallet, [memo, buildMemoInstruction("a redemption"), transfer(wallet, 3n * TOKEN)])),
    ).toMatchObject({ reason: "memo-mismatch" });
    const burn = createBurnCheckedInstruction(accountOf(wallet), token.mint, wallet.publicKey, 3n * TOKEN, DECIMALS);
    expect(await refusal(await land(wallet, [memo, burn]))).toMatchObject({ reason: "wrong-kind" });
    expect(await refusal("5".repeat(88))).toMatchObject({ reason: "not-found" });

    // A transaction other than the one issued for the order, and one signed by another wallet, are never sent.
    const bigger = await createDepositOrder(ctx, { projectId, userId: requesterId, amount: 9n * TOKEN });
    await expect(
      completeDeposit(ctx, {
        userId: requesterId,
        orderId: order.id,
        signedTransaction: walletSigns(bigger.transaction),
      }),
    ).rejects.toMatchObject({ reason: "malformed", message: expect.stringMatching(/not the one issued/) });
    const issued = VersionedTransaction.deserialize(Buffer.from(bigger.transaction, "base64"));
    const slot = issued.message.staticAccountKeys.findIndex((k) => k.equals(wallet.publicKey));
    issued.signatures[slot] = Uint8Array.from({ length: 64 }, (_, i) => i);
    await expect(
      completeDeposit(ctx, { userId: requesterId, orderId: bigger.order.id, signedTransaction: issued.serialize() }),
    ).rejects.toMatchObject({ reason: "signature-invalid" });
    expect(await funded()).toBe(before);
  });

  it("refuses the signature of a redemption, and funds nothing from it", async () => {
    const labeler = await makeUser(h.db, "labeler");
    const labelerWallet = Keypair.generate();
    await linkWallet(h.db, { userId: labeler.id, address: labelerWallet.publicKey.toBase58() });
    await fundWallet(token, labelerWallet, 10n * TOKEN);
    const redeemCtx = { ...ctx, creditsPerToken: 100n };
    const redemption = await startRedemption(redeemCtx, { userId: labeler.id, amount: TOKEN, mode: "transfer" });
    const redeemed = await completeRedemption(redeemCtx, {
      userId: labeler.id,
      orderId: redemption.order.id,
      signedTransaction: walletSigns(redemption.transaction, labelerWallet),
    });
    const before = await funded();
    const { order } = await createDepositOrder(ctx, { projectId, userId: requesterId, amount: TOKEN });
    await expect(
      completeDeposit(ctx, { userId: requesterId, orderId: order.id, signature: redeemed.signature }),
    ).rejects.toMatchObject({ code: "signature_reused" });
    expect(await funded()).toBe(before);
  });

  it("refuses to send for an expired order", async () => {
    const before = await funded();
    const held = await chain.getTokenBalance(accountOf(wallet));
    const { order, transaction } = await createDepositOrder(ctx, { projectId, userId: requesterId, amount: TOKEN });
    await h.db
      .update(depositOrders)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(depositOrders.id, order.id));
    await expect(
      completeDeposit(ctx, { userId: requesterId, orderId: order.id, signedTransaction: walletSigns(transaction) }),
    ).rejects.toMatchObject({ code: "order_expired" });
    expect(await chain.getTokenBalance(accountOf(wallet))).toBe(held);
    expect(await funded()).toBe(before);
  });

  it("refuses another requester's project and order (not found), admits an admin, and needs a linked wallet", async () => {
    const stranger = await makeUser(h.db, "requester");
    await linkWallet(h.db, { userId: stranger.id, address: Keypair.generate().publicKey.toBase58() });
    await expect(createDepositOrder(ctx, { projectId, userId: stranger.id, amount: TOKEN })).rejects.toMatchObject({
      code: "not_found",
    });
    const { order } = await createDepositOrder(ctx, { projectId, userId: requesterId, amount: TOKEN });
    await expect(
      completeDeposit(ctx, { userId: stranger.id, orderId: order.id, signature: "x" }),
    ).rejects.toMatchObject({ code: "not_found" });

    const admin = await makeUser(h.db, "admin");
    await expect(createDepositOrder(ctx, { projectId, userId: admin.id, amount: TOKEN })).rejects.toMatchObject({
      code: "no_wallet",
    });
    await linkWallet(h.db, { userId: admin.id, address: Keypair.generate().publicKey.toBase58() });
    expect((await createDepositOrder(ctx, { projectId, userId: admin.id, amount: TOKEN })).order.userId).toBe(admin.id);
  });

  it("refuses amounts that are not positive or above the limit, and closed projects, writing nothing", async () => {
    const before = await ordersWritten();
    for (const amount of [0n, -1n, 10n ** 9n * TOKEN + 1n]) {
      await expect(createDepositOrder(ctx, { projectId, userId: requesterId, amount })).rejects.toMatchObject({
        code: "invalid_amount",
      });
    }
    const closed = await makeProject(h.db, requesterId, { funded: 0n });
    await h.db
      .update(projects)
      .set({ closedAt: sql`now()` })
      .where(eq(projects.id, closed.id));
    await expect(
      createDepositOrder(ctx, { projectId: closed.id, userId: requesterId, amount: TOKEN }),
    ).rejects.toMatchObject({ code: "project_closed" });
    expect(await ordersWritten()).toBe(before);
    const [{ n }] = await h.db.select({ n: count() }).from(projectFunds).where(eq(projectFunds.projectId, closed.id));
    expect(n).toBe(0);
  });
});
