import { Keypair } from "@solana/web3.js";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { linkWallet } from "../../db/queries/wallets.ts";
import { payoutRoots } from "../../db/schema/index.ts";
import type { Platform } from "../../reward/tokens/chain/platform.ts";
import { ensureFreshConsensus } from "../../reward/consensus/project-run.ts";
import { previousEpoch } from "../../reward/tokens/payouts/epochs.ts";
import { runPayout, type PayoutContext } from "../../reward/tokens/payouts/executor.ts";
import { verifyPayoutProof } from "../../reward/tokens/payouts/merkle.ts";
import { readRootMemo } from "../../reward/tokens/payouts/root-transaction.ts";
import { verifyAgainstMemo } from "~/utils/payout-verify.ts";
import { formatAmount } from "~/utils/tokens.ts";
import { apiRequest, bootApp, call, request, sessionCookie } from "../support/app.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
let platform: Platform;
let ctx: PayoutContext;
const keys: Record<string, string> = {};
const ids: Record<string, string> = {};
const emails: string[] = [];
const wallets: Record<string, string> = {};
const epoch = previousEpoch(new Date(), 2);
const pending = previousEpoch(new Date(), 3);

/** Everyone answers a project's pairs on `day`; ana and ben have wallets, cy has none. */
async function answerOn(day: { startsAt: Date }, who: string[]) {
  const project = await makeProject(h.db, ids.rita, { labelsPerItem: 3, rewardPerLabel: 10_000n });
  await uploadPairs(h.db, project, 6);
  for (const name of who)
    await answerTasks(h.db, { projectId: project.id, labelerId: ids[name], answer: (i) => (i % 2 ? "b" : "a") });
  await h.db
    .execute(sql`update labels set created_at = ${day.startsAt.toISOString()}::timestamptz + interval '1 hour', review_status = 'approved', reviewed_at = ${day.startsAt.toISOString()}::timestamptz + interval '1 hour'
    where project_id = ${project.id}`);
}

beforeAll(async () => {
  h = await bootApp();
  platform = await globalThis.__pairwisePlatform!;
  ctx = {
    db: h.db,
    chain: platform.chain,
    token: platform.token,
    pollIntervalMs: 1,
    refreshConsensus: (projectId) => ensureFreshConsensus(h.db, projectId),
  };
  for (const [name, role] of [
    ["ana", "labeler"],
    ["ben", "labeler"],
    ["cy", "labeler"],
    ["rita", "requester"],
  ] as const) {
    const user = await makeUser(h.db, role, name);
    ids[name] = user.id;
    emails.push(user.email);
    keys[name] = await createApiKey(h.db, { userId: user.id, name: "k" });
  }
  for (const name of ["ana", "ben"]) {
    wallets[name] = Keypair.generate().publicKey.toBase58();
    await linkWallet(h.db, { userId: ids[name], address: wallets[name] });
  }
  await answerOn(epoch, ["ana", "ben", "cy"]);
  await runPayout(ctx, { epoch });
  // A second day whose root is signed but not sent: nothing of it is on chain yet.
  await answerOn(pending, ["ana"]);
  await expect(
    runPayout(
      {
        ...ctx,
        onStep: (s) => {
          if (s === "root-signed") throw new Error("stop");
        },
      },
      { epoch: pending },
    ),
  ).rejects.toThrow("stop");
}, 120_000);
afterAll(() => h.close());

async function proof(who: string | null, day: string, cookie?: string) {
  const { loader } = await import("~/routes/api.v1+/payouts.$epoch.proof.ts");
  const path = `/api/v1/payouts/${day}/proof`;
  const req = cookie ? request(path, { cookie }) : who ? apiRequest(path, keys[who]) : request(path);
  const response = await call(loader as never, req, { epoch: day });
  return { status: response.status, body: await response.json() };
}

describe("GET /api/v1/payouts/{epoch}/proof", () => {
  it("gives a labeler their own proof, which verifies against the root memo on chain", async () => {
    const { status, body } = await proof("ana", epoch.id);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(
      ["amount", "count", "epoch", "index", "leaf", "proof", "root", "rootSignature", "wallet"].sort(),
    );
    expect(body).toMatchObject({ epoch: epoch.id, wallet: wallets.ana, count: 2 });
    const [root] = await h.db
      .select()
      .from(payoutRoots)
      .where(sql`${payoutRoots.epochId} = ${epoch.id}`);
    expect(body).toMatchObject({ root: root.root, rootSignature: root.signature });
    const memo = await readRootMemo(platform.chain, body.rootSignature, platform.token.treasury.publicKey);
    if (!memo.ok) throw new Error(memo.reason);
    expect(
      verifyPayoutProof({ ...body, amount: BigInt(body.amount), root: memo.memo.root, count: memo.memo.count }),
    ).toBe(true);
    expect(await verifyAgainstMemo(body, memo.text)).toBe(true);
    expect(await verifyAgainstMemo({ ...body, wallet: wallets.ben }, memo.text)).toBe(false);
    // The same with the browser's session instead of an API key.
    expect(await proof(null, epoch.id, await sessionCookie(ids.ana))).toEqual({ status, body });
  });

  it("answers each caller with their own row only: 404 without one, or before its root is on chain", async () => {
    const ben = await proof("ben", epoch.id);
    expect(ben.status).toBe(200);
    expect(ben.body.wallet).toBe(wallets.ben);
    expect(ben.body.index).not.toBe((await proof("ana", epoch.id)).body.index);
    // cy earned but has no wallet, so no root holds her row; rita has no row; ana's row of `pending` is in a root
    // whose memo is only signed.
    for (const [who, day] of [
      ["cy", epoch.id],
      ["rita", epoch.id],
      ["ana", pending.id],
      ["ana", previousEpoch(new Date(), 9).id],
    ]) {
      expect(await proof(who, day), `${who} ${day}`).toMatchObject({
        status: 404,
        body: { error: { code: "not_found" } },
      });
    }
    expect((await proof("ana", "yesterday")).status).toBe(400);
    expect((await proof(null, epoch.id)).status).toBe(401);
  });
});

describe("the transparency pages", () => {
  it("list the epoch's roots and transfers, publicly, with nothing personal", async () => {
    const index = await import("~/routes/transparency+/_index.tsx");
    const list = await (await call(index.loader as never, request("/transparency"))).json();
    expect(list.epochs.map((e: { id: string }) => e.id)).toEqual([pending.id, epoch.id].sort().reverse());

    const page = await import("~/routes/transparency+/$epoch.tsx");
    const response = await call(page.loader as never, request(`/transparency/${epoch.id}`), { epoch: epoch.id });
    expect(response.status).toBe(200);
    const data = await response.json();
    const [root] = await h.db
      .select()
      .from(payoutRoots)
      .where(sql`${payoutRoots.epochId} = ${epoch.id}`);
    expect(data.roots).toEqual([
      expect.objectContaining({
        root: root.root,
        leaves: 2,
        total: formatAmount(root.total, { decimals: 6, symbol: "PWT" }),
        status: "confirmed",
        signature: root.signature,
        memo: `pairwise:payout-root:v1:${epoch.id}:${root.root}:2:${root.total}`,
      }),
    ]);
    expect(data.batches).toHaveLength(1);
    expect(data.batches[0]).toMatchObject({ status: "confirmed", rows: 2, recipients: 2 });
    const text = JSON.stringify(data);
    for (const secret of [...emails, ...Object.values(ids), wallets.ana, wallets.ben])
      expect(text).not.toContain(secret);

    for (const day of ["2001-01-01", "nonsense"]) {
      const missing = await call(page.loader as never, request(`/transparency/${day}`), { epoch: day });
      expect(missing.status).toBe(404);
    }
  });
});

describe("the wallet page", () => {
  it("hands the browser each payout's proof and the root memo read from the chain, and they verify", async () => {
    const { loader } = await import("~/routes/_account+/wallet.tsx");
    const response = await call(loader as never, request("/wallet", { cookie: await sessionCookie(ids.ana) }));
    const data = await response.json();
    const paid = data.payouts.find((p: { epochId: string }) => p.epochId === epoch.id);
    expect(paid.status).toBe("paid");
    expect(paid.check.memoText).toMatch(/^pairwise:payout-root:v1:/);
    expect(paid.check.proof.wallet).toBe(wallets.ana);
    expect(await verifyAgainstMemo(paid.check.proof, paid.check.memoText)).toBe(true);
    const waiting = data.payouts.find((p: { epochId: string }) => p.epochId === pending.id);
    expect(waiting).toMatchObject({ check: null, committing: true });
  });
});
