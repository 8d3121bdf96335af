import { Keypair, PublicKey } from "@solana/web3.js";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../../../db/client.ts";
import { createRoot, failRoot, listRootEntries } from "../../../../db/queries/payouts/roots.ts";
import { linkWallet } from "../../../../db/queries/wallets.ts";
import { payoutBatches, payoutEpochs, payoutRoots, payouts, users, walletLinks } from "../../../../db/schema/index.ts";
import type { LiteSvmChain } from "../../../../reward/tokens/chain/litesvm.ts";
import type { PlatformToken } from "../../../../reward/tokens/chain/setup.ts";
import { previousEpoch } from "../../../../reward/tokens/payouts/epochs.ts";
import { runPayout, settlePayouts, type PayoutContext } from "../../../../reward/tokens/payouts/executor.ts";
import { buildPayoutTree, verifyPayoutProof } from "../../../../reward/tokens/payouts/merkle.ts";
import { rootedPayoutProof, verifyProofOnChain } from "../../../../reward/tokens/payouts/proofs.ts";
import { readRootMemo } from "../../../../reward/tokens/payouts/root-transaction.ts";
import { commitRoots, settleRoot } from "../../../../reward/tokens/payouts/roots.ts";
import { verifyAgainstMemo } from "../../../../app/utils/payout-verify.ts";
import { ensureFreshConsensus } from "../../../../reward/consensus/project-run.ts";
import { inMemoryChain } from "../../../support/chain.ts";
import { createTestDb } from "../../../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../../../support/fixtures.ts";

let h: DbHandle;
let chain: LiteSvmChain;
let token: PlatformToken;
let ctx: PayoutContext;
const steps: string[] = [];

beforeAll(async () => {
  h = await createTestDb();
  ({ chain, token } = await inMemoryChain());
  ctx = {
    db: h.db,
    chain,
    token,
    pollIntervalMs: 1,
    onStep: (s) => void steps.push(s),
    refreshConsensus: (projectId) => ensureFreshConsensus(h.db, projectId),
  };
});
afterAll(async () => {
  await chain.close();
  await h.close();
});

const daysAgo = (days: number) => previousEpoch(new Date(), days);
const treasury = () => token.treasury.publicKey;

const balanceOf = async (owner: string) => {
  const account = getAssociatedTokenAddressSync(token.mint, new PublicKey(owner), true);
  return (await chain.getAccountInfo(account)) ? chain.getTokenBalance(account) : 0n;
};

const stopAt = (step: string) => ({
  ...ctx,
  onStep: (s: string) => {
    if (s === step) throw new Error(`stopped at ${step}`);
  },
});

/** `n` labelers answering pairs on `epoch`, the first `withWallet` of them with a linked wallet. */
async function labelersOn(epoch: { id: string; startsAt: Date }, n: number, withWallet: number) {
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, { labelsPerItem: n, rewardPerLabel: 1_000n, budget: 10n ** 12n });
  await uploadPairs(h.db, project, 4);
  const wallets = new Map<string, string>();
  const without: string[] = [];
  for (let i = 0; i < n; i++) {
    const labeler = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: (item) => (item % 2 ? "b" : "a") });
    if (i < withWallet) {
      const address = Keypair.generate().publicKey.toBase58();
      await linkWallet(h.db, { userId: labeler.id, address });
      wallets.set(labeler.id, address);
    } else without.push(labeler.id);
  }
  await h.db
    .execute(sql`update labels set created_at = ${epoch.startsAt.toISOString()}::timestamptz + interval '1 hour', review_status = 'approved', reviewed_at = ${epoch.startsAt.toISOString()}::timestamptz + interval '1 hour'
    where project_id = ${project.id}`);
  return { wallets, without };
}

const epochRows = (epochId: string) => h.db.select().from(payouts).where(eq(payouts.epochId, epochId));
const epochRoots = (epochId: string) =>
  h.db.select().from(payoutRoots).where(eq(payoutRoots.epochId, epochId)).orderBy(payoutRoots.createdAt);

describe("an epoch's Merkle root", () => {
  const epoch = daysAgo(2);
  let wallets: Map<string, string>;
  let without: string[];

  beforeAll(async () => {
    ({ wallets, without } = await labelersOn(epoch, 12, 9));
  }, 60_000);

  it("is posted and finalized before any transfer of its rows, and its memo is the tree of the ledger", async () => {
    steps.length = 0;
    const summary = await runPayout(ctx, { epoch });
    expect(summary.transactions.every((t) => t.status === "confirmed")).toBe(true);

    const [root, ...more] = await epochRoots(epoch.id);
    expect(more).toEqual([]);
    expect(root.status).toBe("confirmed");
    // The step log: committed, signed, sent and finalized before any batch is formed or sent.
    expect(steps.slice(0, 5)).toEqual(["planned", "rooted", "root-signed", "root-sent", "root-confirmed"]);
    expect(steps.indexOf("root-confirmed")).toBeLessThan(steps.indexOf("batched"));
    // And the chain's own order: the root landed in an earlier slot than every batch paying its rows.
    const rows = await epochRows(epoch.id);
    const batchIds = [...new Set(rows.map((r) => r.batchId).filter((b) => b !== null))];
    const batches = await h.db.select().from(payoutBatches).where(inArray(payoutBatches.id, batchIds));
    expect(batches.length).toBeGreaterThan(0);
    const [rootStatus] = await chain.getSignatureStatuses([root.signature!]);
    for (const b of batches) {
      const [status] = await chain.getSignatureStatuses([b.signature!]);
      expect(status!.slot).toBeGreaterThan(rootStatus!.slot);
    }

    // Every row of a labeler with a wallet is in the root, committed to that wallet; the others wait for one.
    for (const row of rows) {
      if (wallets.has(row.labelerId)) {
        expect(row).toMatchObject({ rootId: root.id, address: wallets.get(row.labelerId), status: "paid" });
        expect(await balanceOf(row.address!)).toBe(row.amount);
      } else {
        expect(without).toContain(row.labelerId);
        expect(row).toMatchObject({ rootId: null, address: null, status: "queued" });
      }
    }
    const tree = buildPayoutTree(
      epoch.id,
      rows
        .filter((r) => wallets.has(r.labelerId))
        .map((r) => ({ wallet: wallets.get(r.labelerId)!, amount: r.amount })),
    );
    const memo = await readRootMemo(chain, root.signature!, treasury());
    expect(memo).toMatchObject({ ok: true, memo: { epoch: epoch.id, root: tree.root, count: 9, total: tree.total } });
    expect(root).toMatchObject({ root: tree.root, leafCount: 9, total: tree.total });
    expect(root.feeLamports).toBe(5000n);
    // Someone else's key is not the treasury.
    expect(await readRootMemo(chain, root.signature!, Keypair.generate().publicKey)).toMatchObject({ ok: false });
  });

  it("gives every labeler a proof that verifies against the memo on chain, and none for a changed payout", async () => {
    for (const labelerId of wallets.keys()) {
      const found = (await rootedPayoutProof(h.db, { epochId: epoch.id, labelerId }))!;
      expect(found.matchesStoredRoot).toBe(true);
      const { proof } = found;
      expect(proof.wallet).toBe(wallets.get(labelerId));
      const check = (p: typeof proof) =>
        verifyProofOnChain(chain, { proof: p, rootSignature: found.root.signature!, treasury: treasury() });
      const good = await check(proof);
      expect(good).toMatchObject({ verified: true });
      // The browser's verifier agrees, from the memo text alone.
      const browser = { ...proof, amount: proof.amount.toString() };
      expect(await verifyAgainstMemo(browser, good.memoText!)).toBe(true);
      expect(await verifyAgainstMemo({ ...browser, amount: `${proof.amount + 1n}` }, good.memoText!)).toBe(false);

      expect((await check({ ...proof, amount: proof.amount + 1n })).verified).toBe(false);
      expect((await check({ ...proof, wallet: Keypair.generate().publicKey.toBase58() })).verified).toBe(false);
      expect((await check({ ...proof, epoch: daysAgo(3).id })).reason).toMatch(/for epoch/);
    }
    // A labeler without a wallet has no proof, nor does a wallet nobody was paid.
    expect(await rootedPayoutProof(h.db, { epochId: epoch.id, labelerId: without[0] })).toBeNull();
    expect(await rootedPayoutProof(h.db, { epochId: epoch.id, wallet: Keypair.generate().publicKey.toBase58() })).toBe(
      null,
    );
  });

  it("commits rows of labelers who link a wallet later in a second root of the same epoch", async () => {
    for (const id of without) {
      const address = Keypair.generate().publicKey.toBase58();
      await linkWallet(h.db, { userId: id, address });
      wallets.set(id, address);
    }
    steps.length = 0;
    await settlePayouts(ctx);
    expect(steps.slice(0, 4)).toEqual(["rooted", "root-signed", "root-sent", "root-confirmed"]);
    const roots = await epochRoots(epoch.id);
    expect(roots.map((r) => [r.status, r.leafCount])).toEqual([
      ["confirmed", 9],
      ["confirmed", 3],
    ]);
    for (const id of without) {
      const found = (await rootedPayoutProof(h.db, { epochId: epoch.id, labelerId: id }))!;
      expect(found.root.id).toBe(roots[1].id);
      expect(
        await verifyProofOnChain(chain, {
          proof: found.proof,
          rootSignature: found.root.signature!,
          treasury: treasury(),
        }),
      ).toMatchObject({ verified: true });
      const [row] = await h.db
        .select()
        .from(payouts)
        .where(and(eq(payouts.epochId, epoch.id), eq(payouts.labelerId, id)));
      expect(row.status).toBe("paid");
      expect(await balanceOf(wallets.get(id)!)).toBe(row.amount);
    }
    // The first root still proves its own rows, and only them.
    const first = await listRootEntries(h.db, roots[0].id);
    expect(buildPayoutTree(epoch.id, first).root).toBe(roots[0].root);
  });
});

describe("transfers wait for the root", () => {
  it("form no batch while the root is unconfirmed, and pay the committed address, not a wallet linked after", async () => {
    const epoch = daysAgo(4);
    const { wallets } = await labelersOn(epoch, 3, 3);
    await expect(runPayout(stopAt("root-signed"), { epoch })).rejects.toThrow("stopped at root-signed");
    let rows = await epochRows(epoch.id);
    expect(rows.every((r) => r.rootId !== null && r.batchId === null && r.status === "queued")).toBe(true);
    // Batching now would break money rule 4: nothing is batched while the root is only signed.
    const [signed] = await epochRoots(epoch.id);
    expect(signed.status).toBe("signed");

    // The root goes out; then one labeler links another wallet before the transfers.
    await expect(settlePayouts(stopAt("root-confirmed"))).rejects.toThrow("stopped at root-confirmed");
    const [changed] = [...wallets.keys()];
    const committed = wallets.get(changed)!;
    const later = Keypair.generate().publicKey.toBase58();
    await linkWallet(h.db, { userId: changed, address: later });
    await settlePayouts(ctx);
    rows = await epochRows(epoch.id);
    const row = rows.find((r) => r.labelerId === changed)!;
    expect(row).toMatchObject({ status: "paid", address: committed });
    expect(await balanceOf(committed)).toBe(row.amount);
    expect(await balanceOf(later)).toBe(0n);
    expect(await epochRoots(epoch.id)).toHaveLength(1);
  });
});

describe("a root whose blockhash expired before it was sent", () => {
  it("is looked up, rebuilt only after expiry, and published once", async () => {
    const epoch = daysAgo(5);
    await labelersOn(epoch, 2, 2);
    await expect(runPayout(stopAt("root-signed"), { epoch })).rejects.toThrow("stopped at root-signed");
    const [signed] = await epochRoots(epoch.id);
    expect(signed.rawTx).toBeInstanceOf(Uint8Array);
    chain.advance(151);
    const settled = await settleRoot(ctx, signed);
    expect(settled.status).toBe("confirmed");
    const [row] = await epochRoots(epoch.id);
    expect(row.expiredSignatures).toEqual([signed.signature]);
    expect(row.signature).not.toBe(signed.signature);
    expect(await chain.getSignatureStatuses([signed.signature!])).toEqual([null]);
    expect(await readRootMemo(chain, row.signature!, treasury())).toMatchObject({ ok: true });
    await settlePayouts(ctx);
    expect((await epochRows(epoch.id)).every((r) => r.status === "paid")).toBe(true);
  });
});

describe("two executors rooting at once", () => {
  it("commit each row in exactly one root", async () => {
    const epoch = daysAgo(6);
    await labelersOn(epoch, 4, 4);
    await expect(runPayout(stopAt("rooted"), { epoch })).rejects.toThrow("stopped at rooted");
    // A row committed by the first executor is never taken by a second one building a root at the same time.
    await h.db.update(payouts).set({ rootId: null, address: null }).where(eq(payouts.epochId, epoch.id));
    await h.db.delete(payoutRoots).where(eq(payoutRoots.epochId, epoch.id));
    const build = (entries: { wallet: string; amount: bigint }[]) => buildPayoutTree(epoch.id, entries);
    const made = await Promise.all([0, 1, 2].map(() => createRoot(h.db, { epochId: epoch.id, build })));
    expect(made.filter((r) => r !== null)).toHaveLength(1);
    await Promise.all([commitRoots(ctx), commitRoots(ctx)]);
    const roots = await epochRoots(epoch.id);
    expect(roots.map((r) => r.status)).toEqual(["confirmed"]);
    const rows = await epochRows(epoch.id);
    expect(rows.every((r) => r.rootId === roots[0].id)).toBe(true);
    expect(roots[0].leafCount).toBe(rows.length);
  });
});

describe("a root that failed on chain", () => {
  it("releases its rows, which the next run commits to a new root", async () => {
    const epoch = daysAgo(7);
    await labelersOn(epoch, 2, 2);
    await expect(runPayout(stopAt("rooted"), { epoch })).rejects.toThrow("stopped at rooted");
    const [root] = await epochRoots(epoch.id);
    await failRoot(h.db, { rootId: root.id, error: '{"InstructionError":[0,"Custom"]}' });
    expect((await epochRows(epoch.id)).every((r) => r.rootId === null && r.address === null)).toBe(true);
    await settlePayouts(ctx);
    const roots = await epochRoots(epoch.id);
    expect(roots.map((r) => r.status)).toEqual(["failed", "confirmed"]);
    expect((await epochRows(epoch.id)).every((r) => r.rootId === roots[1].id && r.status === "paid")).toBe(true);
  });
});

// 500 labelers end to end by default: 5,000 take ~200 s on a 2-core machine, nearly all of it forming and sending the
// ~715 batches (the root takes about a second), too long for the suite; PAIRWISE_BIG_EPOCH=5000 runs them. Proofs of 5,000 leaves are checked at the tree level in
// merkle.test.ts and test/app/payout-verify.test.ts.
const BIG_EPOCH = Number(process.env.PAIRWISE_BIG_EPOCH ?? 500);

describe(`a ${BIG_EPOCH}-labeler epoch`, () => {
  it("is committed in one root whose proofs all verify against the memo on chain, every labeler paid", async () => {
    const n = BIG_EPOCH;
    const epoch = daysAgo(30);
    await h.db
      .insert(payoutEpochs)
      .values({ id: epoch.id, startsAt: epoch.startsAt, endsAt: epoch.endsAt, status: "planned" });
    const stamp = Date.now();
    const amounts = new Map<string, bigint>();
    for (let i = 0; i < n; i += 500) {
      const chunk = Array.from({ length: Math.min(500, n - i) }, (_, j) => i + j);
      const made = await h.db
        .insert(users)
        .values(
          chunk.map((k) => ({
            email: `big-${stamp}-${k}@example.test`,
            name: `big ${k}`,
            passwordHash: "x",
            role: "labeler" as const,
          })),
        )
        .returning({ id: users.id });
      const addresses = made.map(() => Keypair.generate().publicKey.toBase58());
      await h.db.insert(walletLinks).values(made.map((u, j) => ({ userId: u.id, address: addresses[j] })));
      await h.db.insert(payouts).values(
        made.map((u, j) => {
          const amount = BigInt(1_000 + i + j);
          amounts.set(addresses[j], amount);
          return { epochId: epoch.id, labelerId: u.id, amount, status: "queued" as const };
        }),
      );
    }
    const started = performance.now();
    await commitRoots(ctx);
    const rooted = (performance.now() - started) / 1000;
    await settlePayouts(ctx);
    const seconds = (performance.now() - started) / 1000;
    const [root, ...more] = await epochRoots(epoch.id);
    expect(more).toEqual([]);
    expect(root).toMatchObject({ status: "confirmed", leafCount: n });
    const reading = await readRootMemo(chain, root.signature!, treasury());
    if (!reading.ok) throw new Error(reading.reason);

    // Every leaf, from the rows the root committed, against the root and count on chain, and every balance.
    const tree = buildPayoutTree(epoch.id, await listRootEntries(h.db, root.id));
    expect(tree.root).toBe(reading.memo.root);
    let browserChecked = 0;
    for (const leaf of tree.leaves) {
      const proof = tree.proof(leaf.wallet)!;
      expect(leaf.amount).toBe(amounts.get(leaf.wallet));
      expect(verifyPayoutProof({ ...proof, root: reading.memo.root, count: reading.memo.count })).toBe(true);
      if (leaf.index % 10 === 0) {
        const browser = { ...proof, amount: proof.amount.toString() };
        expect(await verifyAgainstMemo(browser, reading.text)).toBe(true);
        browserChecked++;
      }
      expect(await balanceOf(leaf.wallet)).toBe(leaf.amount);
      // The embedded chain answers synchronously: let the test runner's own messages through now and then.
      if (leaf.index % 250 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(browserChecked).toBe(Math.ceil(n / 10));
    // And through the same path the API and the CLI take, for a spread of labelers.
    const sample = await h.db
      .select({ labelerId: payouts.labelerId })
      .from(payouts)
      .where(and(eq(payouts.epochId, epoch.id), isNotNull(payouts.rootId)))
      .limit(25);
    for (const { labelerId } of sample) {
      const found = (await rootedPayoutProof(h.db, { epochId: epoch.id, labelerId }))!;
      const checked = await verifyProofOnChain(chain, {
        proof: found.proof,
        rootSignature: found.root.signature!,
        treasury: treasury(),
      });
      expect(checked.verified).toBe(true);
    }
    console.log(`${n}-labeler epoch: root in ${rooted.toFixed(1)} s, root and transfers in ${seconds.toFixed(1)} s`);
  }, 600_000);
});
