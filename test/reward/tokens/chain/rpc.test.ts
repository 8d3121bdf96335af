import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keypair, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { LiteSvmChain, BLOCKHASH_VALIDITY } from "../../../../reward/tokens/chain/litesvm.ts";
import { preparePayoutTransaction } from "../../../../reward/tokens/payouts/prepare.ts";
import { RpcChain } from "../../../../reward/tokens/chain/rpc.ts";
import { startRpcFacade, type RpcFacade } from "../../../support/rpc-facade.ts";
import { ensurePlatformMint, PlatformMintError, type PlatformToken } from "../../../../reward/tokens/chain/setup.ts";
import {
  AccountNotFoundError,
  ChainUnavailableError,
  TransactionRejectedError,
} from "../../../../reward/tokens/chain/types.ts";
import { buildRedemptionTransaction } from "../../../../reward/tokens/redemptions/transactions.ts";
import { verifyRedemptionTransaction } from "../../../../reward/tokens/redemptions/verify.ts";
import { createToken, DECIMALS, payAll, SUPPLY, wallets } from "../../../support/chain.ts";

let embedded: LiteSvmChain;
let facade: RpcFacade;
let rpc: RpcChain;
let token: PlatformToken;

beforeAll(async () => {
  embedded = LiteSvmChain.open();
  facade = await startRpcFacade(embedded);
  rpc = new RpcChain({ url: facade.url });
  token = await createToken(embedded);
});
afterAll(async () => {
  await rpc.close();
  await facade.close();
  await embedded.close();
});

describe("RPC adapter against the embedded chain behind the RPC facade", () => {
  it("finds an existing mint and treasury account, and refuses a missing mint, other decimals or a missing account", async () => {
    const found = await ensurePlatformMint(rpc, { treasury: token.treasury, mint: token.mint, decimals: DECIMALS });
    expect(found).toMatchObject({ created: false, decimals: DECIMALS });
    expect(found.treasuryTokenAccount.equals(token.treasuryTokenAccount)).toBe(true);
    await expect(
      ensurePlatformMint(rpc, { treasury: token.treasury, mint: Keypair.generate().publicKey, decimals: DECIMALS }),
    ).rejects.toThrow(/does not exist/);
    await expect(ensurePlatformMint(rpc, { treasury: token.treasury, mint: token.mint, decimals: 9 })).rejects.toThrow(
      PlatformMintError,
    );
    await expect(
      ensurePlatformMint(rpc, { treasury: Keypair.generate(), mint: token.mint, decimals: DECIMALS }),
    ).rejects.toThrow(/no token account/);
  });

  it("pays a batch through lookup tables and reads back statuses, transactions and balances like the embedded chain", async () => {
    const owners = wallets(60);
    const run = await payAll(
      rpc,
      token,
      owners.map((owner, i) => ({ owner, amount: BigInt(100 + i), createAccount: true })),
      [],
      "rpc-epoch",
    );
    for (const [i, owner] of owners.entries()) {
      expect(await rpc.getTokenBalance(getAssociatedTokenAddressSync(token.mint, owner))).toBe(BigInt(100 + i));
    }
    expect(await rpc.getTokenBalance(token.treasuryTokenAccount)).toBe(
      await embedded.getTokenBalance(token.treasuryTokenAccount),
    );
    expect(await rpc.getSignatureStatuses(run.signatures)).toEqual(await embedded.getSignatureStatuses(run.signatures));
    expect(
      await rpc.getSignatureStatuses([
        run.signatures[0],
        "1111111111111111111111111111111111111111111111111111111111111111",
      ]),
    ).toMatchObject([{ err: null, confirmationStatus: "finalized" }, null]);

    const viaRpc = await rpc.getTransaction(run.signatures[0]);
    const direct = await embedded.getTransaction(run.signatures[0]);
    expect(viaRpc).not.toBeNull();
    expect(Buffer.from(viaRpc!.transaction.serialize())).toEqual(Buffer.from(direct!.transaction.serialize()));
    expect(viaRpc!.loadedAddresses.writable.map(String)).toEqual(direct!.loadedAddresses.writable.map(String));
    expect(viaRpc!.loadedAddresses.writable.length).toBeGreaterThan(0);
    expect({ slot: viaRpc!.slot, err: viaRpc!.err, fee: viaRpc!.fee }).toEqual({
      slot: direct!.slot,
      err: null,
      fee: 5000n,
    });
    expect(await rpc.getTransaction("1111111111111111111111111111111111111111111111111111111111111111")).toBeNull();
  });

  it("reports a resend as already processed, also after its blockhash expired, and refuses an expired blockhash", async () => {
    const owner = Keypair.generate().publicKey;
    const prepared = await preparePayoutTransaction(rpc, {
      token,
      recipients: [{ owner, amount: 9n, createAccount: true }],
      memo: "rpc-resend",
    });
    const unsent = await preparePayoutTransaction(rpc, {
      token,
      recipients: [{ owner: Keypair.generate().publicKey, amount: 9n, createAccount: true }],
      memo: "rpc-late",
    });
    expect(await rpc.sendRawTransaction(prepared.wire)).toEqual({
      signature: prepared.signature,
      alreadyProcessed: false,
    });
    expect(await rpc.sendRawTransaction(prepared.wire)).toEqual({
      signature: prepared.signature,
      alreadyProcessed: true,
    });
    // Without preflight a node takes the bytes without a word (and drops them): only "no double payment" is visible.
    expect(await rpc.sendRawTransaction(prepared.wire, { skipPreflight: true })).toMatchObject({
      signature: prepared.signature,
    });
    embedded.advance(Number(BLOCKHASH_VALIDITY) + 1);
    expect(await rpc.getBlockHeight()).toBeGreaterThan(prepared.lastValidBlockHeight);
    expect(await rpc.sendRawTransaction(prepared.wire)).toEqual({
      signature: prepared.signature,
      alreadyProcessed: true,
    });
    const refusal = await rpc.sendRawTransaction(unsent.wire).catch((e) => e);
    expect(refusal).toBeInstanceOf(TransactionRejectedError);
    expect(refusal.reason).toBe("blockhash-expired");
    expect(await rpc.getTokenBalance(getAssociatedTokenAddressSync(token.mint, owner))).toBe(9n);
  });

  it("maps refusals, simulations and missing accounts to the adapter's errors", async () => {
    const owner = Keypair.generate().publicKey;
    const { blockhash } = await rpc.getLatestBlockhash();
    const overdraw = buildRedemptionTransaction({
      owner: token.treasury.publicKey,
      mint: token.mint,
      decimals: DECIMALS,
      amount: SUPPLY + 1n,
      orderId: "too-much",
      recentBlockhash: blockhash,
      mode: "burn",
      treasuryTokenAccount: token.treasuryTokenAccount,
    });
    const simulation = await rpc.simulateTransaction(overdraw.serialize());
    expect(simulation.err).toEqual({ InstructionError: [1, { Custom: 1 }] });
    expect(simulation.logs.length).toBeGreaterThan(0);
    overdraw.sign([token.treasury]);
    await expect(rpc.sendRawTransaction(overdraw.serialize())).rejects.toMatchObject({ reason: "simulation-failed" });
    const forged = overdraw.serialize();
    forged[5] ^= 1;
    await expect(rpc.sendRawTransaction(forged)).rejects.toMatchObject({ reason: "signature-invalid" });
    for (const attempt of [
      rpc.sendRawTransaction(new Uint8Array([1, 2, 3])),
      rpc.simulateTransaction(new Uint8Array([1, 2, 3])),
    ])
      await expect(attempt).rejects.toMatchObject({ name: "TransactionRejectedError", reason: "malformed" });
    await expect(rpc.getTokenBalance(getAssociatedTokenAddressSync(token.mint, owner))).rejects.toThrow(
      AccountNotFoundError,
    );
    expect(await rpc.getAccountInfo(owner)).toBeNull();
    expect(await rpc.getMinimumBalanceForRentExemption(165)).toBe(
      await embedded.getMinimumBalanceForRentExemption(165),
    );
    const unreachable = new RpcChain({ url: "http://127.0.0.1:9" });
    await expect(unreachable.getSlot()).rejects.toThrow(ChainUnavailableError);
  });

  it("verifies a redemption fetched over RPC", async () => {
    const labeler = Keypair.generate();
    await embedded.requestAirdrop(labeler.publicKey, 1_000_000_000n);
    await payAll(rpc, token, [{ owner: labeler.publicKey, amount: 500n, createAccount: true }], [], "rpc-redeem-pay");
    const { blockhash } = await rpc.getLatestBlockhash();
    const order = {
      owner: labeler.publicKey,
      mint: token.mint,
      decimals: DECIMALS,
      treasuryTokenAccount: token.treasuryTokenAccount,
    };
    const burn = buildRedemptionTransaction({
      ...order,
      amount: 200n,
      orderId: "order-rpc-1",
      recentBlockhash: blockhash,
      mode: "burn",
    });
    burn.sign([labeler]);
    const { signature } = await rpc.sendRawTransaction(burn.serialize());
    const verified = verifyRedemptionTransaction({
      signature,
      tx: await rpc.getTransaction(signature),
      expected: {
        mint: token.mint,
        amount: 200n,
        authority: labeler.publicKey,
        treasuryTokenAccount: token.treasuryTokenAccount,
        orderId: "order-rpc-1",
      },
    });
    expect(verified).toMatchObject({ kind: "burn", amount: 200n, orderId: "order-rpc-1" });
    expect(verified.source.equals(getAssociatedTokenAddressSync(token.mint, labeler.publicKey))).toBe(true);

    // Wallets may still send legacy transactions.
    const transfer = buildRedemptionTransaction({
      ...order,
      amount: 50n,
      orderId: "order-rpc-2",
      recentBlockhash: blockhash,
      mode: "transfer",
    });
    const legacy = new VersionedTransaction(TransactionMessage.decompile(transfer.message).compileToLegacyMessage());
    legacy.sign([labeler]);
    const second = await rpc.sendRawTransaction(legacy.serialize());
    const fetched = await rpc.getTransaction(second.signature);
    expect(fetched?.transaction.version).toBe("legacy");
    const expected = {
      mint: token.mint,
      amount: 50n,
      authority: labeler.publicKey,
      treasuryTokenAccount: token.treasuryTokenAccount,
      orderId: "order-rpc-2",
    };
    expect(verifyRedemptionTransaction({ signature: second.signature, tx: fetched, expected })).toMatchObject({
      kind: "transfer",
      amount: 50n,
    });
  });
});
