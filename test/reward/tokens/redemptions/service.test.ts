import { Keypair, VersionedTransaction } from "@solana/web3.js";
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createTransferCheckedInstruction,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../../../db/client.ts";
import { getCreditBalance, sumCreditLedger } from "../../../../db/queries/credits.ts";
import { creditRedemptionOrder, getRedemptionOrder } from "../../../../db/queries/redemptions.ts";
import { linkWallet } from "../../../../db/queries/wallets.ts";
import { redemptionOrders } from "../../../../db/schema/index.ts";
import { LiteSvmChain } from "../../../../reward/tokens/chain/litesvm.ts";
import type { PlatformToken } from "../../../../reward/tokens/chain/setup.ts";
import {
  completeRedemption,
  creditUnit,
  creditsFor,
  InsufficientTokensError,
  startRedemption,
  type RedeemContext,
} from "../../../../reward/tokens/redemptions/service.ts";
import { inMemoryChain, sendInstructions } from "../../../support/chain.ts";
import { createTestDb } from "../../../support/db.ts";
import { makeUser } from "../../../support/fixtures.ts";

let h: DbHandle;
let chain: LiteSvmChain;
let token: PlatformToken;
let ctx: RedeemContext;
const wallet = Keypair.generate();
let userId = "";

beforeAll(async () => {
  h = await createTestDb();
  ({ chain, token } = await inMemoryChain());
  ctx = { db: h.db, chain, token, creditsPerToken: 100n };
  userId = (await makeUser(h.db, "labeler")).id;
  await linkWallet(h.db, { userId, address: wallet.publicKey.toBase58() });
  // The labeler holds 50 tokens and no SOL at all: the treasury sponsors the redemption's fee.
  const account = getAssociatedTokenAddressSync(token.mint, wallet.publicKey);
  await sendInstructions(chain, token.treasury, [
    createAssociatedTokenAccountIdempotentInstruction(token.treasury.publicKey, account, wallet.publicKey, token.mint),
    createTransferCheckedInstruction(
      token.treasuryTokenAccount,
      token.mint,
      account,
      token.treasury.publicKey,
      50_000_000n,
      6,
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

describe("redemptions", () => {
  it("converts base units to credits, refusing fractions of a credit", () => {
    expect(creditsFor(2_500_000n, 6, 100n)).toBe(250n);
    expect(() => creditsFor(12_345n, 6, 100n)).toThrow(/multiple of 10000 base units/);
    expect(creditUnit(6, 100n)).toBe(10_000n);
    expect(creditUnit(2, 3n)).toBe(100n);
    expect(creditsFor(300n, 2, 3n)).toBe(9n);
  });

  it("credits a verified burn once, from a wallet that holds no SOL", async () => {
    const { order, transaction } = await startRedemption(ctx, { userId, amount: 2_000_000n, mode: "burn" });
    expect(order.credits).toBe(200n);
    const done = await completeRedemption(ctx, {
      userId,
      orderId: order.id,
      signedTransaction: walletSigns(transaction),
    });
    expect(done).toMatchObject({ credits: 200n, balance: 200n });
    expect(await chain.getTokenBalance(getAssociatedTokenAddressSync(token.mint, wallet.publicKey))).toBe(48_000_000n);
    expect(await getCreditBalance(h.db, userId)).toBe(200n);
    expect(await sumCreditLedger(h.db, userId)).toBe(200n);

    // The same order again, or the same signature for another order, credits nothing.
    await expect(
      completeRedemption(ctx, { userId, orderId: order.id, signature: done.signature }),
    ).rejects.toMatchObject({ code: "order_done" });
    const other = await startRedemption(ctx, { userId, amount: 2_000_000n, mode: "burn" });
    await expect(
      completeRedemption(ctx, { userId, orderId: other.order.id, signature: done.signature }),
    ).rejects.toMatchObject({
      reason: "memo-mismatch",
    });
    const otherOrder = await getRedemptionOrder(h.db, { userId, orderId: other.order.id });
    await expect(creditRedemptionOrder(h.db, { order: otherOrder, signature: done.signature })).rejects.toMatchObject({
      code: "signature_reused",
    });
    expect(await getCreditBalance(h.db, userId)).toBe(200n);
  });

  it("accepts a transfer back to the treasury", async () => {
    const { order, transaction } = await startRedemption(ctx, { userId, amount: 1_000_000n, mode: "transfer" });
    const before = await chain.getTokenBalance(token.treasuryTokenAccount);
    await completeRedemption(ctx, { userId, orderId: order.id, signedTransaction: walletSigns(transaction) });
    expect((await chain.getTokenBalance(token.treasuryTokenAccount)) - before).toBe(1_000_000n);
    expect(await getCreditBalance(h.db, userId)).toBe(300n);
  });

  it("refuses a transaction other than the one issued, a forged signature, an unknown signature and an expired order", async () => {
    const { order, transaction } = await startRedemption(ctx, { userId, amount: 1_000_000n, mode: "burn" });
    const bigger = await startRedemption(ctx, { userId, amount: 9_000_000n, mode: "burn" });
    await expect(
      completeRedemption(ctx, { userId, orderId: order.id, signedTransaction: walletSigns(bigger.transaction) }),
    ).rejects.toMatchObject({ reason: "malformed", message: expect.stringMatching(/not the one issued/) });

    // A signature slot filled with bytes that are not the wallet's signature.
    const forged = VersionedTransaction.deserialize(Buffer.from(transaction, "base64"));
    const slot = forged.message.staticAccountKeys.findIndex((k) => k.equals(wallet.publicKey));
    forged.signatures[slot] = Uint8Array.from({ length: 64 }, (_, i) => i);
    await expect(
      completeRedemption(ctx, { userId, orderId: order.id, signedTransaction: forged.serialize() }),
    ).rejects.toMatchObject({
      reason: "signature-invalid",
    });

    const unknown = "5".repeat(88);
    await expect(completeRedemption(ctx, { userId, orderId: order.id, signature: unknown })).rejects.toMatchObject({
      reason: "not-found",
    });

    await h.db
      .update(redemptionOrders)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(redemptionOrders.id, order.id));
    await expect(
      completeRedemption(ctx, { userId, orderId: order.id, signedTransaction: walletSigns(transaction) }),
    ).rejects.toMatchObject({ code: "order_expired" });
    expect(await getCreditBalance(h.db, userId)).toBe(300n);
  });

  it("credits a transaction that landed, shown by its signature after the order expired and another wallet was linked", async () => {
    const { order, transaction } = await startRedemption(ctx, { userId, amount: 1_000_000n, mode: "burn" });
    const tx = VersionedTransaction.deserialize(Buffer.from(transaction, "base64"));
    tx.sign([wallet, token.treasury]);
    const { signature } = await chain.sendRawTransaction(tx.serialize());
    await h.db
      .update(redemptionOrders)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(redemptionOrders.id, order.id));
    await linkWallet(h.db, { userId, address: Keypair.generate().publicKey.toBase58() });
    const before = await getCreditBalance(h.db, userId);
    expect(await completeRedemption(ctx, { userId, orderId: order.id, signature })).toMatchObject({
      credits: 100n,
      balance: before + 100n,
    });
    await linkWallet(h.db, { userId, address: wallet.publicKey.toBase58() });
  });

  it("refuses someone else's order", async () => {
    const stranger = await makeUser(h.db, "labeler");
    const { order } = await startRedemption(ctx, { userId, amount: 1_000_000n, mode: "burn" });
    await expect(
      completeRedemption(ctx, { userId: stranger.id, orderId: order.id, signature: "x" }),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("redeeming more than the wallet holds", () => {
  const holder = Keypair.generate();
  let holderId = "";
  const account = () => getAssociatedTokenAddressSync(token.mint, holder.publicKey);
  const orders = async () =>
    (await h.db.select().from(redemptionOrders).where(eq(redemptionOrders.userId, holderId))).length;

  beforeAll(async () => {
    holderId = (await makeUser(h.db, "labeler")).id;
    await linkWallet(h.db, { userId: holderId, address: holder.publicKey.toBase58() });
  });

  it("is refused before any transaction is built, with both amounts, and records nothing", async () => {
    // No token account at all yet: the wallet holds nothing.
    await expect(startRedemption(ctx, { userId: holderId, amount: 10_000n, mode: "burn" })).rejects.toMatchObject({
      code: "insufficient_tokens",
      balance: 0n,
      amount: 10_000n,
    });
    await sendInstructions(chain, token.treasury, [
      createAssociatedTokenAccountIdempotentInstruction(
        token.treasury.publicKey,
        account(),
        holder.publicKey,
        token.mint,
      ),
      createTransferCheckedInstruction(
        token.treasuryTokenAccount,
        token.mint,
        account(),
        token.treasury.publicKey,
        3_000_000n,
        6,
      ),
    ]);
    const refused = startRedemption(ctx, { userId: holderId, amount: 3_010_000n, mode: "transfer" });
    await expect(refused).rejects.toBeInstanceOf(InsufficientTokensError);
    await expect(refused).rejects.toMatchObject({ balance: 3_000_000n, amount: 3_010_000n });
    expect(await orders()).toBe(0);
    expect(await getCreditBalance(h.db, holderId)).toBe(0n);

    // Exactly the balance is fine.
    const { order } = await startRedemption(ctx, { userId: holderId, amount: 3_000_000n, mode: "burn" });
    expect(order.credits).toBe(300n);
    expect(await orders()).toBe(1);
  });

  it("is refused before sending when the tokens were spent after the order was issued, and credits nothing", async () => {
    const { order, transaction } = await startRedemption(ctx, { userId: holderId, amount: 2_000_000n, mode: "burn" });
    // The wallet sends half its tokens elsewhere before signing the order's transaction.
    await sendInstructions(
      chain,
      token.treasury,
      [
        createTransferCheckedInstruction(
          account(),
          token.mint,
          token.treasuryTokenAccount,
          holder.publicKey,
          1_500_000n,
          6,
        ),
      ],
      [holder],
    );
    await expect(
      completeRedemption(ctx, {
        userId: holderId,
        orderId: order.id,
        signedTransaction: walletSigns(transaction, holder),
      }),
    ).rejects.toMatchObject({ code: "insufficient_tokens", balance: 1_500_000n, amount: 2_000_000n });
    expect(await chain.getTokenBalance(account())).toBe(1_500_000n);
    expect(await getCreditBalance(h.db, holderId)).toBe(0n);
    expect((await getRedemptionOrder(h.db, { userId: holderId, orderId: order.id })).status).not.toBe("credited");
  });
});
