import { beforeAll, describe, expect, it } from "vitest";
import {
  Keypair,
  MessageV0,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
  type PublicKey,
} from "@solana/web3.js";
import {
  createBurnCheckedInstruction,
  createTransferCheckedInstruction,
  createTransferInstruction,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import bs58 from "bs58";
import { LiteSvmChain } from "../../../../reward/tokens/chain/litesvm.ts";
import type { PlatformToken } from "../../../../reward/tokens/chain/setup.ts";
import { decodeMint } from "../../../../reward/tokens/chain/token-accounts.ts";
import type { ChainTransaction } from "../../../../reward/tokens/chain/types.ts";
import { MEMO_PROGRAM_ID } from "../../../../reward/tokens/chain/memo.ts";
import { buildRedemptionTransaction } from "../../../../reward/tokens/redemptions/transactions.ts";
import {
  RedemptionRejectedError,
  verifyRedemptionTransaction,
  type RedemptionExpectation,
} from "../../../../reward/tokens/redemptions/verify.ts";
import { createToken, DECIMALS, payAll, SUPPLY } from "../../../support/chain.ts";

const FINALITY = 32;
let chain: LiteSvmChain;
let token: PlatformToken;
let fake: PlatformToken;
const alice = Keypair.generate();
const mallory = Keypair.generate();
let expected: RedemptionExpectation;

const accountOf = (owner: PublicKey, mint = token.mint) => getAssociatedTokenAddressSync(mint, owner);
const memo = (text: string) =>
  new TransactionInstruction({ programId: MEMO_PROGRAM_ID, keys: [], data: Buffer.from(text) });
const burn = (owner: Keypair, amount: bigint, mint = token.mint) =>
  createBurnCheckedInstruction(accountOf(owner.publicKey, mint), mint, owner.publicKey, amount, DECIMALS);

async function land(
  signer: Keypair,
  instructions: TransactionInstruction[],
  options: { skipPreflight?: boolean; legacy?: boolean } = {},
) {
  const { blockhash } = await chain.getLatestBlockhash();
  const message = new TransactionMessage({ payerKey: signer.publicKey, recentBlockhash: blockhash, instructions });
  const tx = new VersionedTransaction(options.legacy ? message.compileToLegacyMessage() : message.compileToV0Message());
  tx.sign([signer]);
  const { signature } = await chain.sendRawTransaction(tx.serialize(), { skipPreflight: options.skipPreflight });
  chain.advance(FINALITY);
  return signature;
}

async function verify(signature: string, overrides: Partial<RedemptionExpectation> = {}) {
  return verifyRedemptionTransaction({
    signature,
    tx: await chain.getTransaction(signature),
    expected: { ...expected, ...overrides },
  });
}

async function rejection(signature: string, tx?: ChainTransaction | null): Promise<RedemptionRejectedError> {
  try {
    verifyRedemptionTransaction({
      signature,
      tx: tx === undefined ? await chain.getTransaction(signature) : tx,
      expected,
    });
  } catch (error) {
    expect(error).toBeInstanceOf(RedemptionRejectedError);
    return error as RedemptionRejectedError;
  }
  throw new Error(`${signature} was accepted`);
}

beforeAll(async () => {
  chain = LiteSvmChain.open({ finalityDepth: FINALITY });
  token = await createToken(chain);
  fake = await createToken(chain);
  for (const wallet of [alice, mallory]) await chain.requestAirdrop(wallet.publicKey, 1_000_000_000n);
  const wallets = [alice, mallory].map((w) => ({ owner: w.publicKey, amount: 1_000n, createAccount: true }));
  await payAll(chain, token, wallets, [], "redeem-setup");
  await payAll(chain, fake, wallets, [], "redeem-setup-fake");
  chain.advance(FINALITY);
  expected = {
    mint: token.mint,
    amount: 10n,
    authority: alice.publicKey,
    treasuryTokenAccount: token.treasuryTokenAccount,
    orderId: "order-42",
  };
});

describe("redemption verification on the embedded chain", () => {
  it("accepts the burn that buildRedemptionTransaction makes, once finalized", async () => {
    const { blockhash } = await chain.getLatestBlockhash();
    const tx = buildRedemptionTransaction({
      ...expected,
      owner: alice.publicKey,
      decimals: DECIMALS,
      recentBlockhash: blockhash,
      mode: "burn",
    });
    tx.sign([alice]);
    const { signature } = await chain.sendRawTransaction(tx.serialize());
    expect((await rejection(signature)).reason).toBe("not-finalized");
    chain.advance(FINALITY);
    const verified = await verify(signature);
    expect(verified).toMatchObject({ signature, kind: "burn", amount: 10n, orderId: "order-42" });
    expect(verified.authority.equals(alice.publicKey)).toBe(true);
    expect(verified.source.equals(accountOf(alice.publicKey))).toBe(true);
    const mint = decodeMint(token.mint, (await chain.getAccountInfo(token.mint))!);
    expect(mint.supply).toBe(SUPPLY - 10n);
  });

  it("accepts a TransferChecked, and a plain Transfer in a legacy transaction, into the treasury", async () => {
    const before = await chain.getTokenBalance(token.treasuryTokenAccount);
    const { blockhash } = await chain.getLatestBlockhash();
    const tx = buildRedemptionTransaction({
      ...expected,
      owner: alice.publicKey,
      decimals: DECIMALS,
      recentBlockhash: blockhash,
      mode: "transfer",
    });
    tx.sign([alice]);
    const { signature } = await chain.sendRawTransaction(tx.serialize());
    chain.advance(FINALITY);
    expect(await verify(signature)).toMatchObject({ kind: "transfer", amount: 10n });
    const plain = await land(
      alice,
      [
        memo("order-43"),
        createTransferInstruction(accountOf(alice.publicKey), token.treasuryTokenAccount, alice.publicKey, 10n),
      ],
      {
        legacy: true,
      },
    );
    expect((await chain.getTransaction(plain))!.transaction.version).toBe("legacy");
    expect(await verify(plain, { orderId: "order-43" })).toMatchObject({ kind: "transfer", amount: 10n });
    expect(await chain.getTokenBalance(token.treasuryTokenAccount)).toBe(before + 20n);
  });

  it("refuses a signature that never landed, and a transaction whose content does not match its signatures", async () => {
    const { blockhash } = await chain.getLatestBlockhash();
    const unsent = buildRedemptionTransaction({
      ...expected,
      owner: alice.publicKey,
      decimals: DECIMALS,
      recentBlockhash: blockhash,
      mode: "burn",
    });
    unsent.sign([alice]);
    const forged = await rejection(bs58.encode(unsent.signatures[0]));
    expect(forged).toMatchObject({ reason: "not-found" });

    const real = await land(alice, [memo("order-42"), burn(alice, 1n)]);
    const landed = (await chain.getTransaction(real))!;
    const message = landed.transaction.message as MessageV0;
    const inflated = new MessageV0({
      ...message,
      compiledInstructions: message.compiledInstructions.map((ix, i) =>
        i === 1
          ? {
              ...ix,
              data: Uint8Array.from([
                ...createBurnCheckedInstruction(accountOf(alice.publicKey), token.mint, alice.publicKey, 10n, DECIMALS)
                  .data,
              ]),
            }
          : ix,
      ),
    });
    const tampered: ChainTransaction = {
      ...landed,
      transaction: new VersionedTransaction(inflated, landed.transaction.signatures),
    };
    expect(await rejection(real, tampered)).toMatchObject({ reason: "signature-invalid" });
    const other = await land(alice, [memo("order-42"), burn(alice, 10n)]);
    expect(await rejection(real, await chain.getTransaction(other))).toMatchObject({ reason: "signature-invalid" });
  });

  it("refuses tokens of another mint", async () => {
    const signature = await land(alice, [memo("order-42"), burn(alice, 10n, fake.mint)]);
    const error = await rejection(signature);
    expect(error.reason).toBe("wrong-mint");
    expect(error.message).toMatch(/wrong mint/);
  });

  it("refuses a different amount", async () => {
    const error = await rejection(await land(alice, [memo("order-42"), burn(alice, 5n)]));
    expect(error).toMatchObject({ reason: "wrong-amount", message: "amount 5 does not match order 10" });
  });

  it("refuses tokens burned by someone else's wallet with the labeler's order id", async () => {
    const error = await rejection(await land(mallory, [memo("order-42"), burn(mallory, 10n)]));
    expect(error.reason).toBe("wrong-authority");
    expect(error.message).toMatch(/signed by another wallet/);
  });

  it("refuses a transaction that failed on chain", async () => {
    const signature = await land(alice, [memo("order-42"), burn(alice, 1_000_000n)], { skipPreflight: true });
    expect((await chain.getSignatureStatuses([signature]))[0]?.err).not.toBeNull();
    expect(await rejection(signature)).toMatchObject({ reason: "failed-on-chain" });
  });

  it("refuses a transfer to an account other than the treasury", async () => {
    const toMallory = createTransferCheckedInstruction(
      accountOf(alice.publicKey),
      token.mint,
      accountOf(mallory.publicKey),
      alice.publicKey,
      10n,
      DECIMALS,
    );
    expect(await rejection(await land(alice, [memo("order-42"), toMallory]))).toMatchObject({
      reason: "wrong-destination",
    });
    const plain = createTransferInstruction(
      accountOf(alice.publicKey),
      accountOf(mallory.publicKey),
      alice.publicKey,
      10n,
    );
    expect(await rejection(await land(alice, [memo("order-42"), plain]))).toMatchObject({
      reason: "wrong-destination",
    });
  });

  it("refuses a missing memo or one naming another order", async () => {
    expect(await rejection(await land(alice, [burn(alice, 10n)]))).toMatchObject({ reason: "memo-missing" });
    const other = await rejection(await land(alice, [memo("order-41"), burn(alice, 10n)]));
    expect(other).toMatchObject({ reason: "memo-mismatch", message: "memo does not carry order order-42" });
  });

  it("refuses a transaction without a burn, or with more than one", async () => {
    expect(await rejection(await land(alice, [memo("order-42")]))).toMatchObject({
      reason: "no-burn-or-transfer",
      message: "no burn or transfer to the treasury",
    });
    const twice = await rejection(await land(alice, [memo("order-42"), burn(alice, 5n), burn(alice, 5n)]));
    expect(twice.reason).toBe("multiple-burns-or-transfers");
  });
});
