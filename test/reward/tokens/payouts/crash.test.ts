import { PAYOUT_TEST_SUPPLY, runPayoutCli } from "../../../support/cli.ts";
import path from "node:path";
import { Keypair, PublicKey } from "@solana/web3.js";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../../../db/client.ts";
import { getFundsSummary } from "../../../../db/queries/funds.ts";
import { closeProject } from "../../../../db/queries/projects.ts";
import { linkWallet } from "../../../../db/queries/wallets.ts";
import { payoutBatches, payoutRoots, payouts, projectFunds } from "../../../../db/schema/index.ts";
import { loadKeypairFile } from "../../../../reward/tokens/chain/keypair-file.ts";
import { LiteSvmChain } from "../../../../reward/tokens/chain/litesvm.ts";
import { previousEpoch } from "../../../../reward/tokens/payouts/epochs.ts";
import { buildPayoutTree } from "../../../../reward/tokens/payouts/merkle.ts";
import { readRootMemo } from "../../../../reward/tokens/payouts/root-transaction.ts";
import { createPostgresTestDb } from "../../../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../../../support/fixtures.ts";
import { makeTempDir } from "../../../support/temp-dir.ts";

let h: DbHandle;
let url: string;
let dataDir: string;

const payout = (epoch: string, crashAt?: string) => runPayoutCli({ url, dataDir }, epoch, crashAt);

beforeAll(async () => {
  ({ handle: h, url } = await createPostgresTestDb());
  dataDir = makeTempDir("crash");
});
afterAll(() => h.close());

describe("a payout process killed at any step and restarted", () => {
  it("ends with every labeler paid exactly once", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 20, rewardPerLabel: 1_000n });
    await uploadPairs(h.db, project, 40);
    const wallets = new Map<string, string>();
    for (let i = 0; i < 110; i++) {
      const labeler = await makeUser(h.db, "labeler");
      await answerTasks(h.db, {
        projectId: project.id,
        labelerId: labeler.id,
        answer: (item) => (item % 2 ? "b" : "a"),
        limit: 6,
      });
      const address = Keypair.generate().publicKey.toBase58();
      await linkWallet(h.db, { userId: labeler.id, address });
      wallets.set(labeler.id, address);
    }
    const yesterday = previousEpoch(new Date());
    await h.db.execute(
      sql`update labels set created_at = ${yesterday.startsAt.toISOString()}::timestamptz + interval '1 hour', review_status = 'approved', reviewed_at = ${yesterday.startsAt.toISOString()}::timestamptz + interval '1 hour'`,
    );
    const epoch = yesterday.id;

    // Each run dies by SIGKILL right after one more piece of durable progress: the ledger written, the rows
    // committed to a Merkle root, its memo signed and stored, sent, finalized, the batches formed, a transaction
    // signed and stored, sent, confirmed.
    const crashes = [
      "planned",
      "rooted",
      "root-signed",
      "root-sent",
      "root-confirmed",
      "batched",
      "signed:1",
      "sent:1",
      "confirmed:1",
      "sent:1",
      "signed:2",
      "confirmed:2",
    ];
    const killed: string[] = [];
    for (const point of crashes) {
      const run = await payout(epoch, point);
      if (run.signal === "SIGKILL") killed.push(point);
      else expect(run.code, run.stderr).toBe(0);
    }
    expect(killed.length).toBeGreaterThanOrEqual(10);
    expect(killed).toEqual(expect.arrayContaining(["rooted", "root-signed", "root-sent", "root-confirmed", "batched"]));
    const last = await payout(epoch);
    expect(last.code, last.stderr).toBe(0);
    const summary = JSON.parse(last.stdout);
    expect(summary.awaitingWallet).toBe(0);

    const ledger = await h.db.select().from(payouts);
    expect(ledger.length).toBeGreaterThan(90);
    expect(ledger.every((r) => r.status === "paid")).toBe(true);
    const batches = await h.db.select().from(payoutBatches);
    expect(batches.every((b) => b.status === "confirmed")).toBe(true);
    expect(batches.reduce((n, b) => n + b.recipients, 0)).toBe(ledger.length);
    // Exactly one root, confirmed, commits every paid row, to the wallet that was paid.
    const roots = await h.db.select().from(payoutRoots);
    expect(roots.map((r) => r.status)).toEqual(["confirmed"]);
    for (const row of ledger) expect(row).toMatchObject({ rootId: roots[0].id, address: wallets.get(row.labelerId) });

    const chain = LiteSvmChain.open({ snapshotPath: path.join(dataDir, "chain", "litesvm.json") });
    try {
      const mint = (await loadKeypairFile(path.join(dataDir, "chain", "mint.json"))).publicKey;
      const treasury = (await loadKeypairFile(path.join(dataDir, "chain", "treasury.json"))).publicKey;
      let paid = 0n;
      for (const row of ledger) {
        const account = getAssociatedTokenAddressSync(mint, new PublicKey(wallets.get(row.labelerId)!), true);
        expect(await chain.getTokenBalance(account)).toBe(row.amount);
        paid += row.amount;
      }
      expect(PAYOUT_TEST_SUPPLY - (await chain.getTokenBalance(getAssociatedTokenAddressSync(mint, treasury)))).toBe(
        paid,
      );
      for (const b of batches) expect((await chain.getSignatureStatuses([b.signature!]))[0]?.err).toBeNull();
      // The root landed once, before every transfer, and its memo is the tree of the ledger.
      const tree = buildPayoutTree(
        epoch,
        ledger.map((r) => ({ wallet: r.address!, amount: r.amount })),
      );
      const memo = await readRootMemo(chain, roots[0].signature!, treasury);
      expect(memo).toMatchObject({
        ok: true,
        memo: { epoch, root: tree.root, count: ledger.length, total: tree.total },
      });
      const [rootStatus] = await chain.getSignatureStatuses([roots[0].signature!]);
      for (const b of batches)
        expect((await chain.getSignatureStatuses([b.signature!]))[0]!.slot).toBeGreaterThan(rootStatus!.slot);
      for (const expired of roots[0].expiredSignatures)
        expect(await chain.getSignatureStatuses([expired])).toEqual([null]);
    } finally {
      await chain.close();
    }
  }, 240_000);
});

describe("a refund killed at any step and restarted", () => {
  it("returns a closed project's unspent funds to its requester exactly once", async () => {
    const owner = await makeUser(h.db, "requester");
    const ownerWallet = Keypair.generate().publicKey.toBase58();
    await linkWallet(h.db, { userId: owner.id, address: ownerWallet });
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 3, rewardPerLabel: 1_000n, funded: 500_000n });
    await uploadPairs(h.db, project, 10);
    for (let i = 0; i < 3; i++) {
      const labeler = await makeUser(h.db, "labeler");
      await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a", limit: 4 });
      await linkWallet(h.db, { userId: labeler.id, address: Keypair.generate().publicKey.toBase58() });
    }
    await closeProject(h.db, project.id);
    const day = previousEpoch(new Date(), 3);
    await h.db.execute(
      sql`update labels set created_at = ${day.startsAt.toISOString()}::timestamptz + interval '1 hour', review_status = 'approved', reviewed_at = ${day.startsAt.toISOString()}::timestamptz + interval '1 hour'
          where project_id = ${project.id}`,
    );

    // The day's ledger, the refund's row, two roots (the day's and the refund's), their batch: a kill after each.
    const crashes = [
      "planned",
      "refund-planned",
      "rooted",
      "root-signed",
      "root-confirmed",
      "rooted",
      "root-sent",
      "root-confirmed",
      "batched",
      "signed",
      "sent",
      "confirmed",
    ];
    const killed: string[] = [];
    for (const point of crashes) {
      const run = await payout(day.id, point);
      if (run.signal === "SIGKILL") killed.push(point);
      else expect(run.code, run.stderr).toBe(0);
    }
    // Which later points a run reaches depends on what the killed runs left; the refund's own points always die.
    expect(killed, killed.join(" ")).toEqual(expect.arrayContaining(["planned", "refund-planned", "rooted"]));
    expect(killed.length).toBeGreaterThanOrEqual(5);
    expect((await payout(day.id)).code).toBe(0);

    const funds = await getFundsSummary(h.db, project.id);
    const refund = 500_000n - funds.committed;
    expect(funds.committed).toBeGreaterThan(0n);
    const refundRows = await h.db
      .select()
      .from(payouts)
      .where(eq(payouts.epochId, `refund-${project.id}`));
    expect(refundRows).toMatchObject([{ labelerId: owner.id, amount: refund, status: "paid", address: ownerWallet }]);
    const refunds = await h.db.select().from(projectFunds).where(eq(projectFunds.projectId, project.id));
    expect(refunds.filter((f) => f.kind === "refund").map((f) => f.amount)).toEqual([-refund]);
    const refundRoots = await h.db
      .select()
      .from(payoutRoots)
      .where(eq(payoutRoots.epochId, `refund-${project.id}`));
    expect(refundRoots.map((r) => r.status)).toEqual(["confirmed"]);

    const chain = LiteSvmChain.open({ snapshotPath: path.join(dataDir, "chain", "litesvm.json") });
    try {
      const mint = (await loadKeypairFile(path.join(dataDir, "chain", "mint.json"))).publicKey;
      const account = getAssociatedTokenAddressSync(mint, new PublicKey(ownerWallet), true);
      expect(await chain.getTokenBalance(account)).toBe(refund);
    } finally {
      await chain.close();
    }
  }, 240_000);
});
