import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { raiseLabelsWanted } from "../../db/queries/consensus.ts";
import { leaseNextTask, submitAnswer } from "../../db/queries/labeling.ts";
import { getProjectProgress, listOwnedProjectsWithProgress } from "../../db/queries/projects.ts";
import { assignments, items } from "../../db/schema/index.ts";
import { runProjectConsensus } from "../../reward/consensus/project-run.ts";
import { createTestDb } from "../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const counts = async (projectId: string) => {
  const { items, done, inProgress, open, answers } = await getProjectProgress(h.db, projectId);
  return { items, done, inProgress, open, answers };
};

describe("project progress", () => {
  it("counts an item in progress while it is leased or part-way through its k answers, open otherwise", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 2 });
    await uploadPairs(h.db, project, 4);
    expect(await counts(project.id)).toEqual({ items: 4, done: 0, inProgress: 0, open: 4, answers: 0 });

    const [first, second] = [await makeUser(h.db, "labeler"), await makeUser(h.db, "labeler")];
    const leased = (await leaseNextTask(h.db, { projectId: project.id, labelerId: first.id }))!;
    expect(await counts(project.id)).toEqual({ items: 4, done: 0, inProgress: 1, open: 3, answers: 0 });
    await submitAnswer(h.db, { assignmentId: leased.assignmentId, labelerId: first.id, answer: { value: "a" } });
    // One of its two answers: still in progress with nobody on it.
    expect(await counts(project.id)).toEqual({ items: 4, done: 0, inProgress: 1, open: 3, answers: 1 });

    const again = (await leaseNextTask(h.db, { projectId: project.id, labelerId: second.id }))!;
    expect(again.itemId).toBe(leased.itemId);
    await submitAnswer(h.db, { assignmentId: again.assignmentId, labelerId: second.id, answer: { value: "a" } });
    expect(await counts(project.id)).toEqual({ items: 4, done: 1, inProgress: 0, open: 3, answers: 2 });

    // A lease that ran out is nobody's work any more.
    const abandoned = (await leaseNextTask(h.db, { projectId: project.id, labelerId: second.id }))!;
    expect((await counts(project.id)).inProgress).toBe(1);
    await h.db
      .update(assignments)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(assignments.id, abandoned.assignmentId));
    expect(await counts(project.id)).toEqual({ items: 4, done: 1, inProgress: 0, open: 3, answers: 2 });
  });

  it("counts items sent back for more answers as open until a labeler takes one", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 2 });
    await uploadPairs(h.db, project, 6);
    // Two labelers who disagree on everything leave every item unsure.
    const [left, right, third] = [
      await makeUser(h.db, "labeler"),
      await makeUser(h.db, "labeler"),
      await makeUser(h.db, "labeler"),
    ];
    await answerTasks(h.db, { projectId: project.id, labelerId: left.id, answer: () => "a" });
    await answerTasks(h.db, { projectId: project.id, labelerId: right.id, answer: () => "b" });
    expect(await counts(project.id)).toEqual({ items: 6, done: 6, inProgress: 0, open: 0, answers: 12 });
    await runProjectConsensus(h.db, project.id);

    const reopened = await raiseLabelsWanted(h.db, { projectId: project.id, below: 0.99, extra: 2 });
    expect(reopened).toBe(6);
    expect(await counts(project.id)).toEqual({ items: 6, done: 0, inProgress: 0, open: 6, answers: 12 });
    // The requester's project list counts alike.
    const listed = async () => {
      const [{ items, done, inProgress }] = await listOwnedProjectsWithProgress(h.db, owner.id);
      return { items, done, inProgress };
    };
    expect(await listed()).toEqual({ items: 6, done: 0, inProgress: 0 });

    const task = (await leaseNextTask(h.db, { projectId: project.id, labelerId: third.id }))!;
    expect(await counts(project.id)).toEqual({ items: 6, done: 0, inProgress: 1, open: 5, answers: 12 });
    expect(await listed()).toEqual({ items: 6, done: 0, inProgress: 1 });
    await submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId: third.id, answer: { value: "a" } });
    expect(await counts(project.id)).toEqual({ items: 6, done: 0, inProgress: 0, open: 6, answers: 13 });
    const [item] = await h.db.select().from(items).where(eq(items.id, task.itemId));
    expect(item).toMatchObject({ answers: 3, labelsWanted: 4, done: false });
  });

  it("keeps form items waiting for generated responses out of the other counts", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 1 });
    await uploadPairs(h.db, project, 3);
    const [waiting] = await h.db.select().from(items).where(eq(items.projectId, project.id)).limit(1);
    await h.db.update(items).set({ awaitingResponses: true }).where(eq(items.id, waiting.id));
    expect(await getProjectProgress(h.db, project.id)).toMatchObject({
      items: 3,
      awaitingResponses: 1,
      inProgress: 0,
      open: 2,
    });
  });
});
