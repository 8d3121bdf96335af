import { Keypair } from "@solana/web3.js";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../../../db/client.ts";
import { isOutOfFunds } from "../../../../db/queries/labeling.ts";
import { planRefund, type EpochWindow } from "../../../../db/queries/payouts/ledger.ts";
import { closeProject } from "../../../../db/queries/projects.ts";
import { linkWallet } from "../../../../db/queries/wallets.ts";
import { earnings, labels, payouts } from "../../../../db/schema/index.ts";
import { ensureFreshConsensus } from "../../../../reward/consensus/project-run.ts";
import type { LiteSvmChain } from "../../../../reward/tokens/chain/litesvm.ts";
import { previousEpoch } from "../../../../reward/tokens/payouts/epochs.ts";
import { runPayout, type PayoutContext } from "../../../../reward/tokens/payouts/executor.ts";
import { inMemoryChain } from "../../../support/chain.ts";
import { createTestDb } from "../../../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../../../support/fixtures.ts";

let h: DbHandle;
let chain: LiteSvmChain;
let ctx: PayoutContext;

beforeAll(async () => {
  h = await createTestDb();
  const embedded = await inMemoryChain();
  chain = embedded.chain;
  ctx = {
    db: h.db,
    chain,
    token: embedded.token,
    pollIntervalMs: 1,
    refreshConsensus: (id) => ensureFreshConsensus(h.db, id),
  };
});
afterAll(async () => {
  await chain.close();
  await h.close();
});

const day = (days: number) => previousEpoch(new Date(), days);
const hourInto = (epoch: EpochWindow) => new Date(epoch.startsAt.getTime() + 3_600_000);

async function labelerWithWallet() {
  const labeler = await makeUser(h.db, "labeler");
  await linkWallet(h.db, { userId: labeler.id, address: Keypair.generate().publicKey.toBase58() });
  return labeler;
}

/** What each labeler was paid by the epoch, in answers counted. */
async function countedIn(epoch: EpochWindow, projectId: string): Promise<Map<string, number>> {
  const rows = await h.db
    .select()
    .from(earnings)
    .where(and(eq(earnings.epochId, epoch.id), eq(earnings.projectId, projectId)));
  return new Map(rows.map((r) => [r.labelerId, r.labels]));
}

describe("payouts wait for approval", () => {
  it("pays approved answers only, pays auto-approval after the delay, and a rejection overturned later exactly once", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 3, rewardPerLabel: 1_000n });
    expect(project.approvalDelayHours).toBe(72);
    await uploadPairs(h.db, project, 6);
    const [approved, rejectedOnce, unreviewed] = [
      await labelerWithWallet(),
      await labelerWithWallet(),
      await labelerWithWallet(),
    ];
    for (const labeler of [approved, rejectedOnce, unreviewed])
      await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a" });
    // Every answer given ten days ago, nobody reviewed: approved automatically 72 hours later (seven days ago).
    const given = hourInto(day(10));
    await h.db.update(labels).set({ createdAt: given }).where(eq(labels.projectId, project.id));

    // Inside the delay nothing is paid.
    expect((await runPayout(ctx, { epoch: day(10) })).planned).toBe(true);
    expect(await countedIn(day(10), project.id)).toEqual(new Map());

    // Nine days ago the requester approved one labeler's answers and rejected one answer of another.
    const reviewedAt = hourInto(day(9));
    await h.db
      .update(labels)
      .set({ reviewStatus: "approved", reviewedAt, reviewerId: owner.id })
      .where(eq(labels.labelerId, approved.id));
    const [rejected] = await h.db
      .update(labels)
      .set({ reviewStatus: "rejected", reviewedAt, reviewerId: owner.id, rejectionReason: "incorrect" })
      .where(
        sql`${labels.id} = (select min(id) from labels where labeler_id = ${rejectedOnce.id} and project_id = ${project.id})`,
      )
      .returning();
    await runPayout(ctx, { epoch: day(9) });
    expect(await countedIn(day(9), project.id)).toEqual(new Map([[approved.id, 6]]));
    await runPayout(ctx, { epoch: day(8) });
    expect(await countedIn(day(8), project.id)).toEqual(new Map());

    // Seven days ago the delay ran out: the others' answers are paid, but for the rejected one.
    await runPayout(ctx, { epoch: day(7) });
    expect(await countedIn(day(7), project.id)).toEqual(
      new Map([
        [rejectedOnce.id, 5],
        [unreviewed.id, 6],
      ]),
    );

    // Overturned on appeal six days ago: the next payout pays that answer, once.
    await h.db
      .update(labels)
      .set({ reviewStatus: "approved", reviewedAt: hourInto(day(6)) })
      .where(eq(labels.id, rejected.id));
    await runPayout(ctx, { epoch: day(6) });
    expect(await countedIn(day(6), project.id)).toEqual(new Map([[rejectedOnce.id, 1]]));
    await runPayout(ctx, { epoch: day(5) });
    await runPayout(ctx, { epoch: day(6) });
    expect(await countedIn(day(5), project.id)).toEqual(new Map());
    const all = await h.db.select().from(earnings).where(eq(earnings.projectId, project.id));
    expect(all.filter((e) => e.labelerId === rejectedOnce.id).reduce((n, e) => n + e.labels, 0)).toBe(6);
    const [{ paid }] = await h.db
      .select({ paid: sql<number>`count(*)::int` })
      .from(labels)
      .where(and(eq(labels.projectId, project.id), sql`${labels.paidEpochId} is not null`));
    expect(paid).toBe(18);
    // On chain, each labeler holds the sum of their ledger rows.
    const ledger = await h.db.select().from(payouts).where(eq(payouts.labelerId, rejectedOnce.id));
    expect(ledger.map((r) => r.epochId).sort()).toEqual([day(7).id, day(6).id].sort());
    expect(ledger.every((r) => r.status === "paid")).toBe(true);
  });
});

describe("funds held for answers awaiting pay", () => {
  it("keeps holding them for a rejection that can still be appealed, and lets them go once it is final", async () => {
    const owner = await makeUser(h.db, "requester");
    // Funds for three answers at the full rate.
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 1, rewardPerLabel: 100n, budget: 300n });
    await uploadPairs(h.db, project, 4);
    const labeler = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a", limit: 3 });
    expect(await isOutOfFunds(h.db, project.id)).toBe(true);
    const [one] = await h.db
      .update(labels)
      .set({ reviewStatus: "rejected", reviewedAt: sql`now()`, rejectionReason: "low_effort" })
      .where(sql`${labels.id} = (select min(id) from labels where project_id = ${project.id})`)
      .returning();
    expect(await isOutOfFunds(h.db, project.id)).toBe(true);
    await h.db
      .update(labels)
      .set({ reviewedAt: sql`now() - interval '8 days'` })
      .where(eq(labels.id, one.id));
    expect(await isOutOfFunds(h.db, project.id)).toBe(false);
  });

  it("refunds a closed project only once no answer waits for review, pay or an appeal", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 1, rewardPerLabel: 100n, budget: 1_000n });
    await uploadPairs(h.db, project, 2);
    const labeler = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a" });
    await closeProject(h.db, project.id);
    expect(await planRefund(h.db, project.id)).toEqual({ status: "answers_pending" });
    const [first] = await h.db
      .update(labels)
      .set({ reviewStatus: "rejected", reviewedAt: sql`now()`, rejectionReason: "incorrect" })
      .where(sql`${labels.id} = (select min(id) from labels where project_id = ${project.id})`)
      .returning();
    await h.db
      .update(labels)
      .set({ reviewStatus: "approved", reviewedAt: hourInto(day(4)) })
      .where(sql`${labels.projectId} = ${project.id} and ${labels.id} <> ${first.id}`);
    await runPayout(ctx, { epoch: day(4) });
    // The rejection can still be appealed.
    expect(await planRefund(h.db, project.id)).toEqual({ status: "answers_pending" });
    await h.db
      .update(labels)
      .set({ reviewedAt: sql`now() - interval '8 days'` })
      .where(eq(labels.id, first.id));
    const refund = await planRefund(h.db, project.id);
    expect(refund.status).toBe("planned");
    // Paid one answer of two; the rejected one's share goes back to the requester.
    const [paid] = await h.db.select().from(earnings).where(eq(earnings.projectId, project.id));
    expect(paid.labels).toBe(1);
    expect(refund).toEqual({ status: "planned", amount: 1_000n - paid.amount });
  });
});
