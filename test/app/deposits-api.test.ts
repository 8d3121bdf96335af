import { Keypair, TransactionMessage, VersionedTransaction } from "@solana/web3.js";
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createTransferCheckedInstruction,
  getAssociatedTokenAddressSync,
} from "@solana/spl-token";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { getFundsSummary, listProjectFunds } from "../../db/queries/funds.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { linkWallet } from "../../db/queries/wallets.ts";
import { depositOrders, projectFunds } from "../../db/schema/index.ts";
import { buildMemoInstruction } from "../../reward/tokens/chain/memo.ts";
import type { Platform } from "../../reward/tokens/chain/platform.ts";
import { apiRequest, bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { sendInstructions } from "../support/chain.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";

let h: DbHandle;
let platform: Platform;
const keys: Record<string, string> = {};
const ids: Record<string, string> = {};
const wallet = Keypair.generate();
let projectId = "";

const routes = {
  start: () => import("~/routes/api.v1+/projects.$projectId.deposits.ts"),
  complete: () => import("~/routes/api.v1+/deposits.$orderId.ts"),
  project: () => import("~/routes/api.v1+/projects.$projectId.ts"),
  dashboard: () => import("~/routes/projects+/$projectId._index.tsx"),
  treasury: () => import("~/routes/admin+/treasury.tsx"),
};

beforeAll(async () => {
  h = await bootApp();
  platform = await globalThis.__pairwisePlatform!;
  for (const [name, role] of [
    ["rita", "requester"],
    ["sam", "requester"],
    ["ada", "admin"],
  ] as const) {
    const user = await makeUser(h.db, role, name);
    ids[name] = user.id;
    keys[name] = await createApiKey(h.db, { userId: user.id, name: "k" });
  }
  projectId = (await makeProject(h.db, ids.rita, { funded: 0n, budget: 50_000_000n })).id;
  await linkWallet(h.db, { userId: ids.rita, address: wallet.publicKey.toBase58() });
  const { chain, token } = platform;
  const account = getAssociatedTokenAddressSync(token.mint, wallet.publicKey);
  await sendInstructions(chain, token.treasury, [
    createAssociatedTokenAccountIdempotentInstruction(token.treasury.publicKey, account, wallet.publicKey, token.mint),
    createTransferCheckedInstruction(
      token.treasuryTokenAccount,
      token.mint,
      account,
      token.treasury.publicKey,
      100_000_000n,
      6,
    ),
  ]);
  await platform.chain.requestAirdrop!(wallet.publicKey, 1_000_000_000n);
});
afterAll(() => h.close());

async function start(who: string, body: object, id = projectId) {
  const { action } = await routes.start();
  const response = await call(action as never, apiRequest(`/api/v1/projects/${id}/deposits`, keys[who], body), {
    projectId: id,
  });
  return { status: response.status, body: await response.json() };
}

async function complete(who: string, orderId: string, body: object) {
  const { action } = await routes.complete();
  const response = await call(action as never, apiRequest(`/api/v1/deposits/${orderId}`, keys[who], body), { orderId });
  return { status: response.status, body: await response.json() };
}

function walletSigns(base64: string): string {
  const tx = VersionedTransaction.deserialize(Buffer.from(base64, "base64"));
  tx.sign([wallet]);
  return Buffer.from(tx.serialize()).toString("base64");
}

const ordersWritten = async () => (await h.db.select({ n: count() }).from(depositOrders))[0].n;

describe("deposits over the JSON API", () => {
  it("issues an order, funds the project from the signed transaction once, and shows the funds on the project", async () => {
    const started = await start("rita", { amount: "5000000" });
    expect(started.status).toBe(201);
    expect(started.body.order).toMatchObject({
      projectId,
      amount: "5000000",
      address: wallet.publicKey.toBase58(),
      status: "pending",
    });
    const done = await complete("rita", started.body.order.id, {
      signedTransaction: walletSigns(started.body.transaction),
    });
    expect(done).toMatchObject({ status: 200, body: { funded: "5000000", remaining: "5000000" } });
    expect(done.body.signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);

    const { loader } = await routes.project();
    const shown = await call(loader as never, apiRequest(`/api/v1/projects/${projectId}`, keys.rita), { projectId });
    expect((await shown.json()).project).toMatchObject({
      budget: "50000000",
      funded: "5000000",
      committed: "0",
      paid: "0",
      remaining: "5000000",
    });

    // A replay of the same order, and the same signature for another order, fund nothing.
    expect(await complete("rita", started.body.order.id, { signature: done.body.signature })).toMatchObject({
      status: 409,
      body: { error: { code: "order_done" } },
    });
    const other = await start("rita", { amount: "5000000" });
    expect(await complete("rita", other.body.order.id, { signature: done.body.signature })).toMatchObject({
      status: 409,
      body: { error: { code: "signature_reused" } },
    });
    expect((await getFundsSummary(h.db, projectId)).funded).toBe(5_000_000n);
  });

  it("refuses a forged transaction with its reason as the code (422), and funds nothing", async () => {
    const started = await start("rita", { amount: "1000000" });
    const { chain, token } = platform;
    const { blockhash } = await chain.getLatestBlockhash();
    const transfer = (amount: bigint) =>
      createTransferCheckedInstruction(
        getAssociatedTokenAddressSync(token.mint, wallet.publicKey),
        token.mint,
        token.treasuryTokenAccount,
        wallet.publicKey,
        amount,
        6,
      );
    const send = async (memo: string, amount: bigint) => {
      const message = new TransactionMessage({
        payerKey: wallet.publicKey,
        recentBlockhash: blockhash,
        instructions: [buildMemoInstruction(memo), transfer(amount)],
      });
      const tx = new VersionedTransaction(message.compileToV0Message());
      tx.sign([wallet]);
      return (await chain.sendRawTransaction(tx.serialize())).signature;
    };
    expect(
      await complete("rita", started.body.order.id, { signature: await send("not the order", 1_000_000n) }),
    ).toMatchObject({ status: 422, body: { error: { code: "memo_mismatch" } } });
    expect(
      await complete("rita", started.body.order.id, { signature: await send(started.body.order.id, 999_999n) }),
    ).toMatchObject({ status: 422, body: { error: { code: "wrong_amount" } } });
    expect(await complete("rita", started.body.order.id, { signedTransaction: "AAAA" })).toMatchObject({
      status: 422,
      body: { error: { code: "malformed" } },
    });
    expect((await getFundsSummary(h.db, projectId)).funded).toBe(5_000_000n);
  });

  it("answers 404 for another requester's project and order, 409 without a wallet or after expiry", async () => {
    const before = await ordersWritten();
    expect(await start("sam", { amount: "1000000" })).toMatchObject({
      status: 404,
      body: { error: { code: "not_found" } },
    });
    expect(await start("rita", { amount: "1000000" }, "00000000-0000-0000-0000-000000000000")).toMatchObject({
      status: 404,
    });
    const own = await makeProject(h.db, ids.sam, { funded: 0n });
    expect(await start("sam", { amount: "1000000" }, own.id)).toMatchObject({
      status: 409,
      body: { error: { code: "no_wallet" } },
    });
    expect(await ordersWritten()).toBe(before);

    const started = await start("rita", { amount: "1000000" });
    expect(await complete("sam", started.body.order.id, { signature: "5".repeat(88) })).toMatchObject({
      status: 404,
      body: { error: { code: "not_found" } },
    });
    await h.db
      .update(depositOrders)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(depositOrders.id, started.body.order.id));
    expect(
      await complete("rita", started.body.order.id, { signedTransaction: walletSigns(started.body.transaction) }),
    ).toMatchObject({ status: 409, body: { error: { code: "order_expired" } } });
  });

  it("refuses negative, zero, garbage and over-limit amounts with a clear 400, writing nothing", async () => {
    const before = await ordersWritten();
    const cases: [unknown, RegExp][] = [
      ["-5", /amount must be a whole number of token base units/],
      ["0", /amount must be more than 0/],
      ["12abc", /amount must be a whole number of token base units/],
      [5, /amount: Expected string, received number/],
      ["1000000000000001", /amount must be at most 1000000000000000 base units/],
      [undefined, /amount: Required/],
    ];
    for (const [amount, message] of cases) {
      const refused = await start("rita", { amount });
      expect(refused.status, String(amount)).toBe(400);
      expect(refused.body.error.code).toBe("invalid_input");
      expect(refused.body.error.message).toMatch(message);
    }
    expect(await ordersWritten()).toBe(before);
  });

  it("lets an admin record an off-chain funding with a reason on Treasury, CSRF-checked, and shows the ledger", async () => {
    const admin = await sessionCookie(ids.ada);
    const { action, loader } = await routes.treasury();
    const post = async (fields: Record<string, string>) =>
      (await call(action as never, await csrfFormPost("/admin/treasury", admin, { intent: "fund", ...fields }))).json();
    const before = (await listProjectFunds(h.db, projectId)).length;
    expect(await post({ projectId, amount: "2.5", reason: "" })).toMatchObject({
      error: expect.stringMatching(/reason/),
    });
    expect(await post({ projectId, amount: "-1", reason: "invoice 7" })).toMatchObject({
      error: "Amount must be a number with at most 6 decimals of PWT",
    });
    expect(await post({ projectId, amount: "1000000001", reason: "invoice 7" })).toMatchObject({
      error: "Amount must be at most 1,000,000,000 PWT",
    });
    const noCsrf = await call(
      action as never,
      request("/admin/treasury", { method: "POST", cookie: admin, body: new FormData() }),
    );
    expect(noCsrf.status).toBe(403);
    expect((await listProjectFunds(h.db, projectId)).length).toBe(before);

    expect(await post({ projectId, amount: "2.5", reason: "invoice 7, paid by wire" })).toMatchObject({
      message: "Recorded 2.5 PWT of funding for Test project.",
      error: null,
    });
    const [row] = await listProjectFunds(h.db, projectId);
    expect(row).toMatchObject({
      kind: "admin_credit",
      amount: 2_500_000n,
      reason: "invoice 7, paid by wire",
      actorId: ids.ada,
      signature: null,
    });
    const page = await (await call(loader as never, request("/admin/treasury", { cookie: admin }))).json();
    expect(page.funds.slice(0, 2)).toMatchObject([
      { kind: "admin_credit", amount: "2.5 PWT", reason: "invoice 7, paid by wire" },
      { kind: "deposit", amount: "5 PWT", signature: expect.any(String) },
    ]);
    const [{ n }] = await h.db.select({ n: count() }).from(projectFunds).where(eq(projectFunds.projectId, projectId));
    expect(n).toBe(before + 1);
  });

  it("gives the dashboard the funds in base units, the token's decimals and the linked wallet", async () => {
    const { loader } = await routes.dashboard();
    const response = await call(
      loader as never,
      request(`/projects/${projectId}`, { cookie: await sessionCookie(ids.rita) }),
      { projectId },
    );
    expect((await response.json()).funds).toEqual({
      funded: "7500000",
      committed: "0",
      paid: "0",
      remaining: "7500000",
      decimals: 6,
      linked: wallet.publicKey.toBase58(),
    });
  });
});
