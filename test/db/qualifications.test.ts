import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { DomainError } from "../../db/errors.ts";
import { leaseNextTask } from "../../db/queries/labeling.ts";
import { listOpenProjectsForLabeler } from "../../db/queries/projects.ts";
import { listQualificationItems, setProjectRequirements } from "../../db/queries/qualifications.ts";
import { labelerQuality, labels, qualificationAttempts, users } from "../../db/schema/index.ts";
import {
  answerQualificationItem,
  finishQualificationAttempt,
  startQualificationAttempt,
} from "../../labeling/qualification-attempts.ts";
import { createTestDb } from "../support/db.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";
import { makeQualificationTest, rightAnswer, wrongAnswer } from "../support/qualifications.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

async function setup(settings: Parameters<typeof makeQualificationTest>[2] = {}) {
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id);
  await uploadPairs(h.db, project, 3);
  const test = await makeQualificationTest(h.db, owner.id, settings);
  await setProjectRequirements(h.db, { projectId: project.id, testIds: [test.id], minPriorQuality: null });
  const labeler = await makeUser(h.db, "labeler");
  return { owner, project, test, labeler };
}

/** Takes the test answering the first `right` items right and the rest wrong. */
async function take(testId: string, labelerId: string, right: number) {
  const started = await startQualificationAttempt(h.db, { testId, labelerId });
  const answers = Object.fromEntries(
    started.items.map((item) => [
      String(item.id),
      item.position <= right ? rightAnswer(item.position) : wrongAnswer(item.position),
    ]),
  );
  return finishQualificationAttempt(h.db, { attemptId: started.attempt.id, labelerId, answers });
}

describe("admission to a project that requires a test", () => {
  it("refuses a labeler without a pass, naming the test, and admits them once they pass", async () => {
    const { project, test, labeler } = await setup();
    const lease = { projectId: project.id, labelerId: labeler.id };
    expect(await refusal(leaseNextTask(h.db, lease))).toEqual({
      code: "not_qualified",
      message: `This project requires the qualification test "${test.title}": take it from your project list.`,
    });
    const failed = await take(test.id, labeler.id, 2);
    expect(failed).toMatchObject({ correct: 2, total: 4, passed: false });
    expect((await refusal(leaseNextTask(h.db, lease))).code).toBe("not_qualified");

    const passed = await take(test.id, labeler.id, 3);
    expect(passed).toMatchObject({ correct: 3, total: 4, passed: true, expiresAt: null });
    expect(await leaseNextTask(h.db, lease)).not.toBeNull();
    // Test answers never count as the project's answers.
    expect(await h.db.select().from(labels).where(eq(labels.labelerId, labeler.id))).toEqual([]);
  });

  it("a pass counts until it expires", async () => {
    const { project, test, labeler } = await setup({ validDays: 30 });
    const result = await take(test.id, labeler.id, 4);
    expect(result.passed).toBe(true);
    const days = (Date.parse(result.expiresAt!) - Date.parse(result.finishedAt)) / 86_400_000;
    expect(days).toBeCloseTo(30, 5);
    const lease = { projectId: project.id, labelerId: labeler.id };
    expect(await leaseNextTask(h.db, lease)).not.toBeNull();
    await h.db
      .update(qualificationAttempts)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(qualificationAttempts.labelerId, labeler.id));
    // Even the lease they hold is not served again once the pass has lapsed.
    expect((await refusal(leaseNextTask(h.db, lease))).code).toBe("not_qualified");
    const [row] = await listOpenProjectsForLabeler(h.db, labeler.id).then((ps) =>
      ps.filter((p) => p.id === project.id),
    );
    expect(row.tests).toEqual([{ id: test.id, title: test.title, held: false }]);
    // An expired pass may be renewed.
    expect((await take(test.id, labeler.id, 4)).passed).toBe(true);
    expect(await leaseNextTask(h.db, lease)).not.toBeNull();
  });

  it("requires every test a project names", async () => {
    const { owner, project, test, labeler } = await setup();
    const second = await makeQualificationTest(h.db, owner.id, { title: "Another test" });
    await setProjectRequirements(h.db, { projectId: project.id, testIds: [test.id, second.id], minPriorQuality: null });
    await take(test.id, labeler.id, 4);
    const refused = await refusal(leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }));
    expect(refused.message).toContain('"Another test"');
    expect(refused.message).not.toContain(`"${test.title}"`);
  });
});

describe("minimum prior quality", () => {
  it("admits a labeler whose mean quality on the requester's other scored projects reaches it", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id);
    await uploadPairs(h.db, project, 2);
    await setProjectRequirements(h.db, { projectId: project.id, testIds: [], minPriorQuality: 0.6 });
    const earlier = [await makeProject(h.db, owner.id), await makeProject(h.db, owner.id)];
    const elsewhere = await makeProject(h.db, (await makeUser(h.db, "requester")).id);
    const labeler = await makeUser(h.db, "labeler");
    const lease = { projectId: project.id, labelerId: labeler.id };
    expect(await refusal(leaseNextTask(h.db, lease))).toEqual({
      code: "not_qualified",
      message:
        "This project requires a quality score of at least 0.60 on its requester's other projects; you have none yet.",
    });
    const score = (projectId: string, quality: number) =>
      h.db
        .insert(labelerQuality)
        .values({ projectId, labelerId: labeler.id, quality, answers: 20, agreement: 0.5, chance: 0.5 });
    await score(earlier[0].id, 0.5);
    // Another requester's projects do not count.
    await score(elsewhere.id, 0.99);
    expect((await refusal(leaseNextTask(h.db, lease))).message).toContain("yours is 0.50");
    await score(earlier[1].id, 0.8);
    expect(await leaseNextTask(h.db, lease)).not.toBeNull();
  });
});

describe("attempts", () => {
  it("are limited in number and spaced by the retry wait", async () => {
    const { test, labeler } = await setup({ maxAttempts: 2, retryAfterHours: 24 });
    await take(test.id, labeler.id, 0);
    expect(await refusal(startQualificationAttempt(h.db, { testId: test.id, labelerId: labeler.id }))).toMatchObject({
      code: "retry_later",
    });
    const later = new Date(Date.now() + 25 * 3_600_000);
    const second = await startQualificationAttempt(h.db, { testId: test.id, labelerId: labeler.id, now: later });
    await finishQualificationAttempt(h.db, { attemptId: second.attempt.id, labelerId: labeler.id, answers: {} });
    const muchLater = new Date(Date.now() + 100 * 3_600_000);
    expect(
      await refusal(startQualificationAttempt(h.db, { testId: test.id, labelerId: labeler.id, now: muchLater })),
    ).toMatchObject({ code: "no_attempts_left" });
  });

  it("resume the open attempt, answered one item at a time, and finish on the last", async () => {
    const { test, labeler } = await setup({ showAnswers: false });
    const first = await startQualificationAttempt(h.db, { testId: test.id, labelerId: labeler.id });
    const items = await listQualificationItems(h.db, test.id);
    const step = (i: number, answers: Record<string, unknown> | null) =>
      answerQualificationItem(h.db, {
        attemptId: first.attempt.id,
        labelerId: labeler.id,
        itemId: items[i].id,
        answers,
      });
    expect(await step(0, rightAnswer(1))).toBeNull();
    const resumed = await startQualificationAttempt(h.db, { testId: test.id, labelerId: labeler.id });
    expect(resumed.attempt.id).toBe(first.attempt.id);
    expect(resumed.answered).toEqual([items[0].id]);
    // Answering an item again replaces the first answer.
    expect(await step(0, wrongAnswer(1))).toBeNull();
    expect(await step(0, rightAnswer(1))).toBeNull();
    expect(await step(1, rightAnswer(2))).toBeNull();
    expect(await step(2, null)).toBeNull();
    const result = await step(3, rightAnswer(4));
    expect(result).toMatchObject({ correct: 3, total: 4, passed: true, answersShown: false });
    expect(result!.wrong).toEqual([
      { itemId: items[2].id, position: 3, yourAnswer: { "Which reply is better?": "no answer" } },
    ]);
    expect((await refusal(step(3, rightAnswer(4)))).code).toBe("already_finished");
  });

  it("refuse an answer that does not fit the form, and another labeler's attempt", async () => {
    const { test, labeler } = await setup();
    const started = await startQualificationAttempt(h.db, { testId: test.id, labelerId: labeler.id });
    const itemId = started.items[0].id;
    const bad = await refusal(
      answerQualificationItem(h.db, {
        attemptId: started.attempt.id,
        labelerId: labeler.id,
        itemId,
        answers: { better: { choice: "Z" } },
      }),
    );
    expect(bad.code).toBe("invalid_answer");
    const other = await makeUser(h.db, "labeler");
    expect(
      (
        await refusal(
          finishQualificationAttempt(h.db, { attemptId: started.attempt.id, labelerId: other.id, answers: {} }),
        )
      ).code,
    ).toBe("not_found");
  });
});

describe("a private project", () => {
  const listed = async (labelerId: string, projectId: string) =>
    (await listOpenProjectsForLabeler(h.db, labelerId)).some((p) => p.id === projectId);

  it("is listed and leased only to the labelers it invites by email, who may sign up after the invitation", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id);
    await uploadPairs(h.db, project, 3);
    const stranger = await makeUser(h.db, "labeler");
    const invitedEmail = `Later-${Date.now()}@Example.test`;
    await setProjectRequirements(h.db, {
      projectId: project.id,
      testIds: [],
      minPriorQuality: null,
      visibility: "private",
      labelers: { emails: [invitedEmail], invitedBy: owner.id },
    });
    expect(await listed(stranger.id, project.id)).toBe(false);
    expect(await refusal(leaseNextTask(h.db, { projectId: project.id, labelerId: stranger.id }))).toEqual({
      code: "not_qualified",
      message: "This project is private: only labelers its requester invited can work on it.",
    });
    // The invited address signs up afterwards (emails are compared without case).
    const [invited] = await h.db
      .insert(users)
      .values({ email: invitedEmail.toLowerCase(), name: "Invited", passwordHash: "x", role: "labeler" })
      .returning();
    expect(await listed(invited.id, project.id)).toBe(true);
    expect(await leaseNextTask(h.db, { projectId: project.id, labelerId: invited.id })).not.toBeNull();

    // Made public again (the invitation list kept), the stranger is admitted too.
    await setProjectRequirements(h.db, {
      projectId: project.id,
      testIds: [],
      minPriorQuality: null,
      visibility: "public",
    });
    expect(await listed(stranger.id, project.id)).toBe(true);
    expect(await leaseNextTask(h.db, { projectId: project.id, labelerId: stranger.id })).not.toBeNull();
  });

  it("admits the holders of a pass of one of its tests without an invitation", async () => {
    const { project, test, labeler, owner } = await setup();
    await setProjectRequirements(h.db, {
      projectId: project.id,
      testIds: [test.id],
      minPriorQuality: null,
      visibility: "private",
      labelers: { emails: [], invitedBy: owner.id },
    });
    expect(await listed(labeler.id, project.id)).toBe(false);
    expect((await refusal(leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }))).message).toMatch(
      /private/,
    );
    await take(test.id, labeler.id, 4);
    expect(await listed(labeler.id, project.id)).toBe(true);
    expect(await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id })).not.toBeNull();
  });
});
