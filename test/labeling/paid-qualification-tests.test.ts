import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { bonusHeadroom, listLabelerBonuses } from "../../db/queries/bonuses.ts";
import { getFundsSummary } from "../../db/queries/funds.ts";
import { setProjectRequirements } from "../../db/queries/qualifications.ts";
import { bonuses } from "../../db/schema/index.ts";
import {
  answerQualificationItem,
  attemptPayOffer,
  finishQualificationAttempt,
  latestResult,
  startQualificationAttempt,
} from "../../labeling/qualification-attempts.ts";
import { createTestDb } from "../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";
import { makeQualificationTest, rightAnswer, wrongAnswer } from "../support/qualifications.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

/** A project funded with `funded` (reward 100 per label) requiring a test that pays `reward` per attempt. */
async function setup(params: { funded: bigint; reward: bigint }) {
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, { rewardPerLabel: 100n, labelsPerItem: 5, funded: params.funded });
  await uploadPairs(h.db, project, 5);
  const test = await makeQualificationTest(h.db, owner.id, { rewardPerAttempt: params.reward, maxAttempts: 3 });
  await setProjectRequirements(h.db, { projectId: project.id, testIds: [test.id], minPriorQuality: null });
  return { owner, project, test, labeler: await makeUser(h.db, "labeler") };
}

async function take(testId: string, labelerId: string, projectId: string | null, right: number) {
  const started = await startQualificationAttempt(h.db, { testId, labelerId, projectId });
  const answers = Object.fromEntries(
    started.items.map((item) => [
      String(item.id),
      item.position <= right ? rightAnswer(item.position) : wrongAnswer(item.position),
    ]),
  );
  return {
    started,
    result: await finishQualificationAttempt(h.db, { attemptId: started.attempt.id, labelerId, answers }),
  };
}

const attemptBonuses = (attemptId: number) => h.db.select().from(bonuses).where(eq(bonuses.attemptId, attemptId));

describe("a paid qualification test", () => {
  it("writes exactly one bonus for a finished attempt taken for the project, passed or not", async () => {
    const { project, test, labeler } = await setup({ funded: 10_000n, reward: 250n });
    expect(await attemptPayOffer(h.db, test, project.id)).toEqual({ amount: 250n, payable: true, why: null });

    const failed = await take(test.id, labeler.id, project.id, 1);
    expect(failed.result.passed).toBe(false);
    expect(failed.result.reward).toEqual({ amount: 250n, paid: true, why: null });
    const [bonus] = await attemptBonuses(failed.started.attempt.id);
    expect(bonus).toMatchObject({
      projectId: project.id,
      labelerId: labeler.id,
      kind: "qualification_test",
      amount: 250n,
      reason: `Qualification test: ${test.title}`,
      paidEpochId: null,
    });
    // Finishing again is refused and pays nothing more.
    await expect(
      finishQualificationAttempt(h.db, { attemptId: failed.started.attempt.id, labelerId: labeler.id, answers: {} }),
    ).rejects.toMatchObject({ code: "already_finished" });
    expect(await attemptBonuses(failed.started.attempt.id)).toHaveLength(1);

    // A second attempt, finished item by item, is paid once too.
    const second = await startQualificationAttempt(h.db, {
      testId: test.id,
      labelerId: labeler.id,
      projectId: project.id,
    });
    let result = null;
    for (const item of second.items)
      result = await answerQualificationItem(h.db, {
        attemptId: second.attempt.id,
        labelerId: labeler.id,
        itemId: item.id,
        answers: rightAnswer(item.position),
      });
    expect(result).toMatchObject({ passed: true, reward: { amount: 250n, paid: true } });
    expect(await attemptBonuses(second.attempt.id)).toHaveLength(1);

    expect((await getFundsSummary(h.db, project.id)).committed).toBe(500n);
    expect(
      (await listLabelerBonuses(h.db, { labelerId: labeler.id })).map((b) => [b.kind, b.amount, b.status]),
    ).toEqual([
      ["qualification_test", 250n, "waiting"],
      ["qualification_test", 250n, "waiting"],
    ]);
    // The result page reads the payment back.
    expect((await latestResult(h.db, test, labeler.id))!.reward).toEqual({ amount: 250n, paid: true, why: null });
  });

  it("finishes unpaid, and says so, when the project's funds cannot cover it", async () => {
    // 1,000 funded; another labeler's 9 answers hold 900 at the full rate, so 100 is left: under the 250 a test pays.
    const { project, test, labeler } = await setup({ funded: 1_000n, reward: 250n });
    const busy = await makeUser(h.db, "labeler");
    await setProjectRequirements(h.db, { projectId: project.id, testIds: [], minPriorQuality: null });
    await answerTasks(h.db, { projectId: project.id, labelerId: busy.id, answer: () => "a", limit: 5 });
    const other = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId: project.id, labelerId: other.id, answer: () => "a", limit: 4 });
    await setProjectRequirements(h.db, { projectId: project.id, testIds: [test.id], minPriorQuality: null });
    expect((await bonusHeadroom(h.db, project.id))!.available).toBe(100n);

    // Shown before starting.
    const offer = await attemptPayOffer(h.db, test, project.id);
    expect(offer).toMatchObject({ amount: 250n, payable: false });
    expect(offer!.why).toMatch(/cannot cover/);

    const { started, result } = await take(test.id, labeler.id, project.id, 4);
    expect(result.passed).toBe(true);
    expect(result.finishedAt).toBeTruthy();
    expect(result.reward).toMatchObject({ amount: 250n, paid: false });
    expect(result.reward!.why).toMatch(/could not cover.*unpaid/);
    expect(await attemptBonuses(started.attempt.id)).toEqual([]);
    expect((await getFundsSummary(h.db, project.id)).committed).toBe(0n);
    expect((await latestResult(h.db, test, labeler.id))!.reward).toMatchObject({ paid: false });
  });

  it("pays nothing for an attempt taken without a project, nor for an unpaid test", async () => {
    const { test, labeler } = await setup({ funded: 10_000n, reward: 250n });
    const { started, result } = await take(test.id, labeler.id, null, 4);
    expect(result.reward).toMatchObject({ amount: 250n, paid: false });
    expect(await attemptBonuses(started.attempt.id)).toEqual([]);

    const unpaid = await setup({ funded: 10_000n, reward: 0n });
    const free = await take(unpaid.test.id, unpaid.labeler.id, unpaid.project.id, 4);
    expect(free.result.reward).toBeNull();
    expect(await attemptPayOffer(h.db, unpaid.test, unpaid.project.id)).toBeNull();
    expect(await attemptBonuses(free.started.attempt.id)).toEqual([]);
  });
});
