import { spawn } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Keypair, PublicKey } from "@solana/web3.js";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { LiteSvmChain, BLOCKHASH_VALIDITY } from "../../../../reward/tokens/chain/litesvm.ts";
import { preparePayoutTransaction } from "../../../../reward/tokens/payouts/prepare.ts";
import { ensurePlatformMint } from "../../../../reward/tokens/chain/setup.ts";
import { ChainStateError, TransactionRejectedError } from "../../../../reward/tokens/chain/types.ts";
import { buildPayoutTransaction } from "../../../../reward/tokens/payouts/transactions.ts";
import { createToken, DECIMALS, SUPPLY } from "../../../support/chain.ts";
import { makeTempDir, removeTempDirs } from "../../../support/temp-dir.ts";

let snapshotPath: string;
beforeEach(() => {
  snapshotPath = path.join(makeTempDir("chain"), "chain", "litesvm.json");
});
afterEach(removeTempDirs);

describe("embedded chain (LiteSVM)", () => {
  it("creates the mint and treasury on first start and finds them, balances and history intact, after a restart", async () => {
    const treasury = Keypair.generate();
    const mint = Keypair.generate();
    const first = LiteSvmChain.open({ snapshotPath });
    const token = await createToken(first, { treasury, mint });
    expect(token.created).toBe(true);
    const prepared = await preparePayoutTransaction(first, {
      token,
      recipients: [{ owner: Keypair.generate().publicKey, amount: 250n, createAccount: true }],
      memo: "restart",
    });
    await first.sendRawTransaction(prepared.wire);
    const slot = await first.getSlot();
    const { blockhash } = await first.getLatestBlockhash();
    await first.close();

    const second = LiteSvmChain.open({ snapshotPath });
    const again = await ensurePlatformMint(second, { treasury, mint, decimals: DECIMALS, initialSupply: SUPPLY });
    expect(again.created).toBe(false);
    expect(again.treasuryTokenAccount.equals(token.treasuryTokenAccount)).toBe(true);
    expect(await second.getTokenBalance(token.treasuryTokenAccount)).toBe(SUPPLY - 250n);
    expect(await second.getSlot()).toBe(slot);
    expect((await second.getLatestBlockhash()).blockhash).toBe(blockhash);
    const [status] = await second.getSignatureStatuses([prepared.signature]);
    expect(status).toMatchObject({ err: null, confirmationStatus: "finalized" });
    const tx = await second.getTransaction(prepared.signature);
    expect(Buffer.from(tx!.transaction.serialize()).equals(Buffer.from(prepared.wire))).toBe(true);
    // The restored chain still knows the bytes: sending them again pays nobody twice.
    expect(await second.sendRawTransaction(prepared.wire)).toEqual({
      signature: prepared.signature,
      alreadyProcessed: true,
    });
    expect(await second.getTokenBalance(token.treasuryTokenAccount)).toBe(SUPPLY - 250n);
    await second.close();
  });

  it("executes identical bytes once and reports the resend as already processed", async () => {
    const chain = LiteSvmChain.open();
    const token = await createToken(chain);
    const owner = Keypair.generate().publicKey;
    const prepared = await preparePayoutTransaction(chain, {
      token,
      recipients: [{ owner, amount: 40n, createAccount: true }],
      memo: "once",
    });
    expect(await chain.sendRawTransaction(prepared.wire)).toEqual({
      signature: prepared.signature,
      alreadyProcessed: false,
    });
    chain.advance(10);
    expect(await chain.sendRawTransaction(prepared.wire)).toEqual({
      signature: prepared.signature,
      alreadyProcessed: true,
    });
    expect(await chain.sendRawTransaction(prepared.wire, { skipPreflight: true })).toMatchObject({
      alreadyProcessed: true,
    });
    expect(await chain.getTokenBalance(getAssociatedTokenAddressSync(token.mint, owner))).toBe(40n);
    // Even once its blockhash has expired, the landed transaction is recognised rather than refused.
    chain.advance(Number(BLOCKHASH_VALIDITY) + 1);
    expect(await chain.sendRawTransaction(prepared.wire)).toMatchObject({ alreadyProcessed: true });
    await chain.close();
  });

  it("accepts a blockhash up to its last valid block height and refuses it one block later", async () => {
    const chain = LiteSvmChain.open();
    const token = await createToken(chain);
    const first = await preparePayoutTransaction(chain, {
      token,
      recipients: [{ owner: Keypair.generate().publicKey, amount: 1n, createAccount: true }],
      memo: "a",
    });
    const second = await preparePayoutTransaction(chain, {
      token,
      recipients: [{ owner: Keypair.generate().publicKey, amount: 1n, createAccount: true }],
      memo: "b",
    });
    expect(first.lastValidBlockHeight).toBe((await chain.getBlockHeight()) + BLOCKHASH_VALIDITY);
    chain.advance(Number(first.lastValidBlockHeight - (await chain.getBlockHeight())));
    expect(await chain.getBlockHeight()).toBe(first.lastValidBlockHeight);
    expect((await chain.sendRawTransaction(first.wire)).alreadyProcessed).toBe(false);
    expect(await chain.getBlockHeight()).toBe(second.lastValidBlockHeight + 1n);
    const refusal = await chain.sendRawTransaction(second.wire).catch((e) => e);
    expect(refusal).toBeInstanceOf(TransactionRejectedError);
    expect(refusal).toMatchObject({ reason: "blockhash-expired" });
    expect(await chain.getSignatureStatuses([second.signature])).toEqual([null]);
    expect((await chain.simulateTransaction(second.wire)).err).toBe("BlockhashNotFound");
    await chain.close();
  });

  it("refuses a failing transaction in preflight without a fee, and lands it with its error when preflight is skipped", async () => {
    const chain = LiteSvmChain.open();
    const token = await createToken(chain);
    const { blockhash } = await chain.getLatestBlockhash();
    const overdraw = buildPayoutTransaction({
      payer: token.treasury.publicKey,
      treasuryOwner: token.treasury.publicKey,
      mint: token.mint,
      decimals: DECIMALS,
      recipients: [{ owner: Keypair.generate().publicKey, amount: SUPPLY + 1n, createAccount: true }],
      memo: "too much",
      recentBlockhash: blockhash,
    });
    overdraw.sign([token.treasury]);
    const lamports = await chain.getBalance(token.treasury.publicKey);
    const refusal = await chain.sendRawTransaction(overdraw.serialize()).catch((e) => e);
    expect(refusal).toMatchObject({ name: "TransactionRejectedError", reason: "simulation-failed" });
    expect(refusal.transactionError).toEqual({ InstructionError: [2, { Custom: 1 }] }); // spl-token InsufficientFunds
    expect(refusal.logs.length).toBeGreaterThan(0);
    expect(await chain.getBalance(token.treasury.publicKey)).toBe(lamports);

    const { signature } = await chain.sendRawTransaction(overdraw.serialize(), { skipPreflight: true });
    const [status] = await chain.getSignatureStatuses([signature]);
    expect(status?.err).toEqual({ InstructionError: [2, { Custom: 1 }] });
    const landed = await chain.getTransaction(signature);
    expect(landed?.fee).toBe(5000n);
    expect(await chain.getBalance(token.treasury.publicKey)).toBe(lamports - 5000n);
    expect(await chain.getTokenBalance(token.treasuryTokenAccount)).toBe(SUPPLY);
    await chain.close();
  });

  it("refuses bad signatures, oversized and malformed bytes", async () => {
    const chain = LiteSvmChain.open();
    const token = await createToken(chain);
    const prepared = await preparePayoutTransaction(chain, {
      token,
      recipients: [{ owner: Keypair.generate().publicKey, amount: 3n, createAccount: true }],
      memo: "sig",
    });
    const forged = Uint8Array.from(prepared.wire);
    forged[10] ^= 0xff;
    await expect(chain.sendRawTransaction(forged)).rejects.toMatchObject({ reason: "signature-invalid" });
    await expect(chain.sendRawTransaction(new Uint8Array(1300))).rejects.toMatchObject({ reason: "too-large" });
    await expect(chain.sendRawTransaction(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ reason: "malformed" });
    expect(await chain.getSignatureStatuses([prepared.signature])).toEqual([null]);
    await chain.close();
  });

  it("lets one process at a time own the chain files", async () => {
    const chain = LiteSvmChain.open({ snapshotPath });
    expect(() => LiteSvmChain.open({ snapshotPath })).toThrow(ChainStateError);
    await chain.close();
    writeFileSync(`${snapshotPath}.lock`, String(process.ppid));
    expect(() => LiteSvmChain.open({ snapshotPath })).toThrow(/in use by process/);
    writeFileSync(`${snapshotPath}.lock`, "999999999"); // a process that does not exist: a stale lock
    const reopened = LiteSvmChain.open({ snapshotPath });
    await reopened.close();
    await expect(reopened.getSlot()).rejects.toThrow(ChainStateError);
  });

  it("keeps every transaction that a SIGKILLed process saw succeed", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./fixtures/crash-child.ts", import.meta.url)), snapshotPath],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise((resolve) => child.on("exit", resolve));
    const lines: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      lines.push(line);
      if (lines.length === 9) child.kill("SIGKILL");
    }
    await exited;
    const { mint, treasuryTokenAccount } = JSON.parse(lines[0]) as { mint: string; treasuryTokenAccount: string };
    const paid = lines.slice(1).map((line) => JSON.parse(line) as { signature: string; owner: string; amount: number });
    expect(paid.length).toBeGreaterThanOrEqual(8);
    // A write cut short by the kill leaves half a line; it was never reported, so it is dropped.
    appendFileSync(`${snapshotPath}.journal`, '{"seq":999999,"slot":"12","accou');

    const chain = LiteSvmChain.open({ snapshotPath });
    const statuses = await chain.getSignatureStatuses(paid.map((p) => p.signature));
    expect(statuses.every((s) => s !== null && s.err === null)).toBe(true);
    for (const p of paid) {
      const account = getAssociatedTokenAddressSync(new PublicKey(mint), new PublicKey(p.owner));
      expect(await chain.getTokenBalance(account)).toBe(BigInt(p.amount));
    }
    const paidOut = paid.reduce((sum, p) => sum + BigInt(p.amount), 0n);
    expect(await chain.getTokenBalance(new PublicKey(treasuryTokenAccount))).toBeLessThanOrEqual(SUPPLY - paidOut);
    await chain.close();
  });
});
