import { Keypair } from "@solana/web3.js";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { listProjectEarnings } from "../../db/queries/payouts/earnings.ts";
import { linkWallet } from "../../db/queries/wallets.ts";
import { labelerQuality, labels, type QualityFlagName } from "../../db/schema/index.ts";
import type { LiteSvmChain } from "../../reward/tokens/chain/litesvm.ts";
import { previousEpoch } from "../../reward/tokens/payouts/epochs.ts";
import { labelerEarnings } from "../../reward/tokens/payouts/estimate.ts";
import { runPayout, settlePayouts, type PayoutContext } from "../../reward/tokens/payouts/executor.ts";
import { planEarnings } from "../../reward/tokens/payouts/plan.ts";
import { inMemoryChain } from "../support/chain.ts";
import { createTestDb } from "../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
let chain: LiteSvmChain;
let ctx: PayoutContext;

beforeAll(async () => {
  h = await createTestDb();
  const embedded = await inMemoryChain();
  chain = embedded.chain;
  ctx = { db: h.db, chain, token: embedded.token, pollIntervalMs: 1 };
});
afterAll(async () => {
  await chain.close();
  await h.close();
});

/** A funded project with `items` pairs, and the labeler's answers to `answers` of them (given now). */
async function answered(labelerId: string, params: { reward: bigint; items: number; answers: number }) {
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, {
    rewardPerLabel: params.reward,
    labelsPerItem: 1,
    budget: 10n ** 12n,
  });
  await uploadPairs(h.db, project, params.items);
  await answerTasks(h.db, { projectId: project.id, labelerId, answer: () => "a", limit: params.answers });
  return project;
}

/** The labeler's quality on the project as a consensus run would store it (0.75 and 0.5 are exact in a real). */
async function scoreLabeler(projectId: string, labelerId: string, quality: number, flags: QualityFlagName[] = []) {
  await h.db
    .insert(labelerQuality)
    .values({ projectId, labelerId, quality, answers: 1, agreement: quality, chance: 0.5, flags })
    .onConflictDoUpdate({ target: [labelerQuality.projectId, labelerQuality.labelerId], set: { quality, flags } });
}

/** Moves the labeler's answers on the project to an hour into `epoch`. */
const moveAnswers = (projectId: string, labelerId: string, epoch: { startsAt: Date }) =>
  h.db
    .execute(sql`update labels set created_at = ${epoch.startsAt.toISOString()}::timestamptz + interval '1 hour', review_status = 'approved', reviewed_at = ${epoch.startsAt.toISOString()}::timestamptz + interval '1 hour'
    where project_id = ${projectId} and labeler_id = ${labelerId}`);

describe("a labeler's earnings as they accrue", () => {
  it("estimates answers no epoch has planned: labels × reward × the plan's weight of the current quality", async () => {
    const labeler = await makeUser(h.db, "labeler");
    const scored = await answered(labeler.id, { reward: 100_000n, items: 8, answers: 5 });
    await scoreLabeler(scored.id, labeler.id, 0.75);
    const unscored = await answered(labeler.id, { reward: 40_000n, items: 3, answers: 3 });
    const adversarial = await answered(labeler.id, { reward: 100_000n, items: 2, answers: 2 });
    await scoreLabeler(adversarial.id, labeler.id, 0.9, ["adversarial"]);
    // Another labeler's answers on the same project are theirs, not this labeler's.
    const other = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId: scored.id, labelerId: other.id, answer: () => "b" });

    const { projects, totals } = await labelerEarnings(h.db, { labelerId: labeler.id });
    const byId = new Map(projects.map((p) => [p.projectId, p]));
    expect(byId.get(scored.id)).toMatchObject({
      unplannedLabels: 5,
      rewardPerLabel: 100_000n,
      quality: 0.75,
      scored: true,
      weightPpm: 750_000,
      estimate: 375_000n,
      atFullRate: 500_000n,
      planned: 0n,
      awaitingWallet: 0n,
      paid: 0n,
    });
    // The same number the payout plan would write for these answers if their day were planned now.
    const [plan] = planEarnings(
      [
        {
          labelerId: labeler.id,
          projectId: scored.id,
          labels: 5,
          rewardPerLabel: 100_000n,
          quality: 0.75,
          adversarial: false,
        },
      ],
      new Map([[scored.id, 10n ** 12n]]),
    );
    expect(byId.get(scored.id)!.estimate).toBe(plan.amount);
    // Not scored yet: the plan would weigh the answers 0, and the row says why.
    expect(byId.get(unscored.id)).toMatchObject({
      unplannedLabels: 3,
      quality: null,
      scored: false,
      estimate: 0n,
      atFullRate: 120_000n,
    });
    expect(byId.get(adversarial.id)).toMatchObject({ unplannedLabels: 2, weightPpm: 0, estimate: 0n });
    // Given just now, inside the projects' approval delay: all of it awaits review.
    expect(totals).toEqual({
      estimate: 375_000n,
      awaitingReview: 375_000n,
      approved: 0n,
      planned: 0n,
      awaitingWallet: 0n,
      paid: 0n,
    });
    expect(projects).toHaveLength(3);
  });

  it("moves an estimate to the ledger when its day is planned, awaiting a wallet, then pending, then paid, never counting an answer twice", async () => {
    const labeler = await makeUser(h.db, "labeler");
    const project = await answered(labeler.id, { reward: 200_000n, items: 10, answers: 4 });
    await scoreLabeler(project.id, labeler.id, 0.5);
    const yesterday = previousEpoch(new Date());
    await moveAnswers(project.id, labeler.id, yesterday);
    const standing = async () => {
      const [row] = await listProjectEarnings(h.db, { labelerId: labeler.id });
      return row;
    };

    // Answers of a day not planned yet are estimated, even when the day is over.
    const before = (await labelerEarnings(h.db, { labelerId: labeler.id })).totals;
    expect(before).toEqual({
      estimate: 400_000n,
      awaitingReview: 0n,
      approved: 400_000n,
      planned: 0n,
      awaitingWallet: 0n,
      paid: 0n,
    });

    // Planned while the labeler has no wallet: the amount waits for one, and nothing is estimated any more.
    await runPayout(ctx, { epoch: yesterday });
    expect(await standing()).toMatchObject({ unplannedLabels: 0, planned: 0n, awaitingWallet: 400_000n, paid: 0n });

    // Answers given today are estimated apart from the planned ones.
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a", limit: 2 });
    expect((await labelerEarnings(h.db, { labelerId: labeler.id })).totals).toEqual({
      estimate: 200_000n,
      awaitingReview: 200_000n,
      approved: 0n,
      planned: 0n,
      awaitingWallet: 400_000n,
      paid: 0n,
    });

    // Linked: pending until the next payout run pays it.
    await linkWallet(h.db, { userId: labeler.id, address: Keypair.generate().publicKey.toBase58() });
    expect(await standing()).toMatchObject({ unplannedLabels: 2, planned: 400_000n, awaitingWallet: 0n, paid: 0n });

    await settlePayouts(ctx);
    expect(await standing()).toMatchObject({ unplannedLabels: 2, planned: 0n, awaitingWallet: 0n, paid: 400_000n });

    // Planning the same day again changes nothing.
    await runPayout(ctx, { epoch: yesterday });
    expect((await labelerEarnings(h.db, { labelerId: labeler.id })).totals).toEqual({
      estimate: 200_000n,
      awaitingReview: 200_000n,
      approved: 0n,
      planned: 0n,
      awaitingWallet: 0n,
      paid: 400_000n,
    });
  });

  it("splits the answers not paid yet into awaiting review and approved, and keeps rejected ones out of the estimate", async () => {
    const labeler = await makeUser(h.db, "labeler");
    const project = await answered(labeler.id, { reward: 100_000n, items: 6, answers: 5 });
    await scoreLabeler(project.id, labeler.id, 0.5);
    // A day no other test pays: three days back.
    const day = previousEpoch(new Date(), 3);
    const at = (hours: number) => new Date(day.startsAt.getTime() + hours * 3_600_000).toISOString();
    const ids = await h.db
      .select({ id: labels.id })
      .from(labels)
      .where(eq(labels.projectId, project.id))
      .orderBy(asc(labels.id));
    const [byPerson, byDelay, rejected, ...waiting] = ids.map((r) => r.id);
    // Approved by the requester that day; and one nobody reviewed whose 72 hours ended that day.
    await h.db.execute(sql`update labels set created_at = ${at(1)}::timestamptz, review_status = 'approved',
      reviewed_at = ${at(2)}::timestamptz where id = ${byPerson}`);
    await h.db.execute(sql`update labels set created_at = ${at(1 - 72)}::timestamptz where id = ${byDelay}`);
    // Rejected just now (it may still be appealed); the other two were given now, inside the delay.
    await h.db.execute(sql`update labels set review_status = 'rejected', reviewed_at = now(),
      rejection_reason = 'low_effort' where id = ${rejected}`);
    expect(waiting).toHaveLength(2);

    const { projects, totals } = await labelerEarnings(h.db, { labelerId: labeler.id });
    expect(projects[0]).toMatchObject({
      unplannedLabels: 4,
      awaitingReviewLabels: 2,
      approvedLabels: 2,
      rejectedLabels: 1,
      rejectedOpenLabels: 1,
      // 4 answers that can earn × 0.1 × 0.5; the rejected one is not counted.
      estimate: 200_000n,
      estimateAwaitingReview: 100_000n,
      estimateApproved: 100_000n,
      atFullRate: 400_000n,
    });
    expect(totals).toMatchObject({ estimate: 200_000n, awaitingReview: 100_000n, approved: 100_000n });

    // The payout for that day takes the two approved answers only: the others stay where they were.
    await runPayout(ctx, { epoch: day });
    const [after] = await listProjectEarnings(h.db, { labelerId: labeler.id });
    expect(after).toMatchObject({
      unplannedLabels: 2,
      awaitingReviewLabels: 2,
      approvedLabels: 0,
      rejectedLabels: 1,
      awaitingWallet: 100_000n,
    });
  });

  it("lists nothing for a labeler who has not answered", async () => {
    const labeler = await makeUser(h.db, "labeler");
    expect(await labelerEarnings(h.db, { labelerId: labeler.id })).toEqual({
      projects: [],
      totals: { estimate: 0n, awaitingReview: 0n, approved: 0n, planned: 0n, awaitingWallet: 0n, paid: 0n },
    });
  });
});
