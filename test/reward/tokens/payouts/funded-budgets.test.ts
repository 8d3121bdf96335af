import { Keypair, PublicKey } from "@solana/web3.js";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../../../db/client.ts";
import { getFundsSummary } from "../../../../db/queries/funds.ts";
import { leaseNextTask, submitAnswer } from "../../../../db/queries/labeling.ts";
import { closeProject } from "../../../../db/queries/projects.ts";
import type { EpochWindow } from "../../../../db/queries/payouts/ledger.ts";
import { linkWallet } from "../../../../db/queries/wallets.ts";
import { earnings, payouts, projects } from "../../../../db/schema/index.ts";
import { ensureFreshConsensus } from "../../../../reward/consensus/project-run.ts";
import type { LiteSvmChain } from "../../../../reward/tokens/chain/litesvm.ts";
import type { PlatformToken } from "../../../../reward/tokens/chain/setup.ts";
import { I64_MAX } from "../../../../reward/tokens/amount-limits.ts";
import { previousEpoch } from "../../../../reward/tokens/payouts/epochs.ts";
import { runPayout, type PayoutContext } from "../../../../reward/tokens/payouts/executor.ts";
import { inMemoryChain } from "../../../support/chain.ts";
import { createTestDb, TEST_DB } from "../../../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../../../support/fixtures.ts";

let h: DbHandle;
let chain: LiteSvmChain;
let token: PlatformToken;
let ctx: PayoutContext;

beforeAll(async () => {
  h = await createTestDb();
  ({ chain, token } = await inMemoryChain());
  ctx = { db: h.db, chain, token, pollIntervalMs: 1, refreshConsensus: (id) => ensureFreshConsensus(h.db, id) };
});
afterAll(async () => {
  await chain.close();
  await h.close();
});

const balanceOf = async (owner: string) => {
  const account = getAssociatedTokenAddressSync(token.mint, new PublicKey(owner), true);
  return (await chain.getAccountInfo(account)) ? chain.getTokenBalance(account) : 0n;
};

const dateAnswers = (projectId: string, epoch: EpochWindow) =>
  h.db
    .execute(sql`update labels set created_at = ${epoch.startsAt.toISOString()}::timestamptz + interval '1 hour', review_status = 'approved', reviewed_at = ${epoch.startsAt.toISOString()}::timestamptz + interval '1 hour'
    where project_id = ${projectId}`);

async function labelerWithWallet() {
  const labeler = await makeUser(h.db, "labeler");
  const address = Keypair.generate().publicKey.toBase58();
  await linkWallet(h.db, { userId: labeler.id, address });
  return { labeler, address };
}

describe("one project's numbers never stop another project's payouts", () => {
  it("pays 50 labelers of a normal project while a project whose pay overflows is left out", async () => {
    const epoch = previousEpoch(new Date(), 3);
    const owner = await makeUser(h.db, "requester");
    const normal = await makeProject(h.db, owner.id, {
      labelsPerItem: 50,
      rewardPerLabel: 1_000n,
      budget: 10_000_000n,
    });
    await uploadPairs(h.db, normal, 1);
    const poisoned = await makeProject(h.db, owner.id, { labelsPerItem: 3, rewardPerLabel: 1_000n });
    await uploadPairs(h.db, poisoned, 2);
    const labelers = [];
    for (let i = 0; i < 50; i++) {
      const { labeler } = await labelerWithWallet();
      await answerTasks(h.db, { projectId: normal.id, labelerId: labeler.id, answer: () => "a" });
      labelers.push(labeler.id);
    }
    for (const labelerId of labelers.slice(0, 2))
      await answerTasks(h.db, { projectId: poisoned.id, labelerId, answer: () => "a" });
    // Written behind the entry points' limits: labels × reward no longer fits an amount column.
    await h.db.update(projects).set({ rewardPerLabel: I64_MAX }).where(eq(projects.id, poisoned.id));
    await dateAnswers(normal.id, epoch);
    await dateAnswers(poisoned.id, epoch);

    const summary = await runPayout(ctx, { epoch });
    expect(summary.isolated).toEqual([{ projectId: poisoned.id, reason: expect.stringMatching(/exceeds/) }]);
    const rows = await h.db.select().from(payouts).where(eq(payouts.epochId, epoch.id));
    expect(new Set(rows.map((r) => r.labelerId))).toEqual(new Set(labelers));
    expect(rows.every((r) => r.status === "paid")).toBe(true);
    const poisonedEarnings = await h.db.select().from(earnings).where(eq(earnings.projectId, poisoned.id));
    expect(poisonedEarnings).toHaveLength(0);
  });
});

describe("funded budgets", () => {
  it("never commits more than was paid in, whatever the budget says, and stops leasing before labelers work unpaid", async () => {
    const epoch = previousEpoch(new Date(), 5);
    const owner = await makeUser(h.db, "requester");
    // Budget a million, funds for 30 answers at the full rate.
    const project = await makeProject(h.db, owner.id, {
      labelsPerItem: 5,
      rewardPerLabel: 1_000n,
      budget: 1_000_000n,
      funded: 30_000n,
    });
    await uploadPairs(h.db, project, 40);
    const labelers = await Promise.all(Array.from({ length: 50 }, () => makeUser(h.db, "labeler")));
    const refusals: string[] = [];
    await Promise.all(
      labelers.map(async (labeler) => {
        for (;;) {
          let task;
          try {
            task = await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id });
          } catch (error) {
            refusals.push((error as { code: string }).code);
            return;
          }
          if (!task) return;
          await submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId: labeler.id, answer: { value: "a" } });
        }
      }),
    );
    expect(new Set(refusals)).toEqual(new Set(["out_of_funds"]));
    const [{ answers }] = await h.db
      .execute<{ answers: number }>(sql`select count(*)::int as answers from labels where project_id = ${project.id}`)
      .then((r) => (Array.isArray(r) ? r : (r as unknown as { rows: { answers: number }[] }).rows));
    // One connection serialises the leases; concurrent ones may overshoot by at most one lease each.
    if (TEST_DB === "pglite") expect(answers).toBe(30);
    else expect(answers).toBeLessThanOrEqual(30 + labelers.length);

    await dateAnswers(project.id, epoch);
    await runPayout(ctx, { epoch });
    const funds = await getFundsSummary(h.db, project.id);
    expect(funds.funded).toBe(30_000n);
    expect(funds.committed).toBeLessThanOrEqual(30_000n);
    expect(funds.remaining).toBe(30_000n - funds.committed);
  });

  it("refunds a closed project's unspent funds to the requester once, through the payout ledger", async () => {
    const epoch = previousEpoch(new Date(), 7);
    const owner = await makeUser(h.db, "requester");
    const ownerWallet = Keypair.generate().publicKey.toBase58();
    await linkWallet(h.db, { userId: owner.id, address: ownerWallet });
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 3, rewardPerLabel: 1_000n, funded: 50_000n });
    await uploadPairs(h.db, project, 4);
    const { labeler } = await labelerWithWallet();
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a", limit: 3 });
    const held = await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id });
    expect(await closeProject(h.db, project.id)).toBe(true);
    expect(await closeProject(h.db, project.id)).toBe(false);
    // No more tasks once closed; a lease still running may be answered.
    await expect(
      leaseNextTask(h.db, { projectId: project.id, labelerId: (await makeUser(h.db, "labeler")).id }),
    ).rejects.toMatchObject({ code: "project_closed" });
    await submitAnswer(h.db, { assignmentId: held!.assignmentId, labelerId: labeler.id, answer: { value: "b" } });
    await dateAnswers(project.id, epoch);

    const before = await balanceOf(ownerWallet);
    await runPayout(ctx, { epoch });
    const funds = await getFundsSummary(h.db, project.id);
    const refund = 50_000n - funds.committed;
    expect(funds.committed).toBeGreaterThan(0n);
    expect(await balanceOf(ownerWallet)).toBe(before + refund);
    expect(funds.funded).toBe(funds.committed);
    expect(funds.remaining).toBe(0n);
    // Running again pays nobody twice.
    await runPayout(ctx, { epoch });
    await runPayout(ctx, { epoch: previousEpoch(new Date(), 6) });
    expect(await balanceOf(ownerWallet)).toBe(before + refund);
    const refundRows = await h.db
      .select()
      .from(payouts)
      .where(eq(payouts.epochId, `refund-${project.id}`));
    expect(refundRows).toMatchObject([{ labelerId: owner.id, amount: refund, status: "paid" }]);
  });

  it("waits with the refund while answers of the project are not planned yet", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 3, rewardPerLabel: 1_000n, funded: 9_000n });
    await uploadPairs(h.db, project, 2);
    const { labeler } = await labelerWithWallet();
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a" });
    await closeProject(h.db, project.id);
    // Today's answers belong to an epoch that has not ended: nothing may be refunded yet.
    await runPayout(ctx, { epoch: previousEpoch(new Date(), 8) });
    expect(
      await h.db
        .select()
        .from(payouts)
        .where(eq(payouts.epochId, `refund-${project.id}`)),
    ).toHaveLength(0);
    expect((await getFundsSummary(h.db, project.id)).funded).toBe(9_000n);
  });
});
