import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { DomainError } from "../../db/errors.ts";
import { setUserPaused } from "../../db/queries/identity.ts";
import { getHeldTask, leaseNextTask, submitAnswer } from "../../db/queries/labeling.ts";
import { findUndoableAnswer, undoAnswer, UndoTooLateError } from "../../db/queries/labeling-undo.ts";
import { assignments, items, labels, payoutEpochs } from "../../db/schema/index.ts";
import { createTestDb, TEST_DB } from "../support/db.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

/** A labeler who answered one item of a one-answer-per-item project ("a", strength 2, with a rationale). */
async function answered(itemCount = 2) {
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, { labelsPerItem: 1 });
  await uploadPairs(h.db, project, itemCount);
  const labeler = await makeUser(h.db, "labeler");
  const task = (await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }))!;
  await submitAnswer(h.db, {
    assignmentId: task.assignmentId,
    labelerId: labeler.id,
    answer: { value: "a", strength: 2, rationale: "clearer" },
  });
  const target = { assignmentId: task.assignmentId, labelerId: labeler.id, projectId: project.id };
  return { project, labeler, task, target };
}

async function state(assignmentId: number, itemId: number) {
  const [assignment] = await h.db.select().from(assignments).where(eq(assignments.id, assignmentId));
  const [item] = await h.db.select().from(items).where(eq(items.id, itemId));
  const stored = await h.db.select().from(labels).where(eq(labels.assignmentId, assignmentId));
  return { status: assignment.status, answers: item.answers, done: item.done, labels: stored.length };
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as DomainError,
  );

describe(`undoing the last answer (${TEST_DB})`, () => {
  it("deletes the label, counts the item one short and gives the lease back, so the item is shown again", async () => {
    const { project, labeler, task, target } = await answered();
    expect(await state(task.assignmentId, task.itemId)).toEqual({
      status: "answered",
      answers: 1,
      done: true,
      labels: 1,
    });
    // The page leased the next item straight after the answer.
    const next = (await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }))!;
    expect(next.itemId).not.toBe(task.itemId);
    expect(await findUndoableAnswer(h.db, { labelerId: labeler.id, projectId: project.id })).toEqual({
      assignmentId: task.assignmentId,
    });

    const undone = await undoAnswer(h.db, target);
    expect(undone).toMatchObject({ itemId: task.itemId, value: "a", strength: 2, rationale: "clearer" });
    expect(await state(task.assignmentId, task.itemId)).toEqual({
      status: "leased",
      answers: 0,
      done: false,
      labels: 0,
    });
    // The undone item comes back before the one leased after it, in the same screen order, and can be answered again.
    const held = (await getHeldTask(h.db, { projectId: project.id, labelerId: labeler.id }))!;
    expect(held).toMatchObject({ assignmentId: task.assignmentId, swapped: task.swapped });
    expect(held.expiresAt).toEqual(task.expiresAt);
    await submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId: labeler.id, answer: { value: "b" } });
    expect(await state(task.assignmentId, task.itemId)).toMatchObject({ status: "answered", answers: 1, labels: 1 });
  });

  it("refuses a second undo of the same answer, someone else's answer and an answer that is not the last", async () => {
    const { project, labeler, target } = await answered();
    const other = await makeUser(h.db, "labeler");
    expect((await refusal(undoAnswer(h.db, { ...target, labelerId: other.id })))?.code).toBe("not_found");

    const second = (await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }))!;
    await submitAnswer(h.db, { assignmentId: second.assignmentId, labelerId: labeler.id, answer: { value: "b" } });
    expect((await refusal(undoAnswer(h.db, target)))?.code).toBe("not_last_answer");

    // Back one, then back another: each undo makes the answer before it the last one.
    await undoAnswer(h.db, { ...target, assignmentId: second.assignmentId });
    expect((await refusal(undoAnswer(h.db, { ...target, assignmentId: second.assignmentId })))?.code).toBe(
      "nothing_to_undo",
    );
    await undoAnswer(h.db, target);
    expect(await h.db.select().from(labels).where(eq(labels.labelerId, labeler.id))).toEqual([]);
  });

  it("is too late once the lease has run out, and keeps the answer", async () => {
    const { labeler, project, task, target } = await answered();
    await h.db
      .update(assignments)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(assignments.id, task.assignmentId));
    expect(await findUndoableAnswer(h.db, { labelerId: labeler.id, projectId: project.id })).toBeNull();
    const refused = await refusal(undoAnswer(h.db, target));
    expect(refused).toBeInstanceOf(UndoTooLateError);
    expect(refused?.message).toMatch(/lease/);
    expect(await state(task.assignmentId, task.itemId)).toMatchObject({ status: "answered", answers: 1, labels: 1 });
  });

  it("is too late for an answer someone reviewed, even with a live lease", async () => {
    const { labeler, project, task, target } = await answered();
    await h.db
      .update(labels)
      .set({ reviewStatus: "approved", reviewedAt: sql`now()` })
      .where(eq(labels.assignmentId, task.assignmentId));
    expect(await findUndoableAnswer(h.db, { labelerId: labeler.id, projectId: project.id })).toBeNull();
    expect(await refusal(undoAnswer(h.db, target))).toBeInstanceOf(UndoTooLateError);
    expect(await state(task.assignmentId, task.itemId)).toMatchObject({ status: "answered", labels: 1 });
  });

  it("is too late for an answer a payout epoch counted", async () => {
    const { labeler, project, task, target } = await answered();
    const [epoch] = await h.db
      .insert(payoutEpochs)
      .values({
        id: "undo-test-epoch",
        startsAt: sql`now() - interval '1 hour'`,
        endsAt: sql`now() + interval '1 hour'`,
      })
      .returning();
    await h.db.update(labels).set({ paidEpochId: epoch.id }).where(eq(labels.assignmentId, task.assignmentId));
    try {
      expect(await findUndoableAnswer(h.db, { labelerId: labeler.id, projectId: project.id })).toBeNull();
      const refused = await refusal(undoAnswer(h.db, target));
      expect(refused).toBeInstanceOf(UndoTooLateError);
      expect(refused?.message).toMatch(/payout/);
      expect(await state(task.assignmentId, task.itemId)).toMatchObject({ status: "answered", labels: 1 });
    } finally {
      await h.db.update(labels).set({ paidEpochId: null }).where(eq(labels.paidEpochId, epoch.id));
      await h.db.delete(payoutEpochs).where(eq(payoutEpochs.id, epoch.id));
    }
  });

  it("refuses while the labeler could not answer again (paused), keeping the answer", async () => {
    const { labeler, task, target } = await answered();
    await setUserPaused(h.db, { userId: labeler.id, reason: "checking" });
    expect((await refusal(undoAnswer(h.db, target)))?.code).toBe("labeler_paused");
    expect(await state(task.assignmentId, task.itemId)).toMatchObject({ status: "answered", labels: 1 });
  });

  it("undoes an answer once when two undos race", async () => {
    const { task, target } = await answered();
    const results = await Promise.allSettled([undoAnswer(h.db, target), undoAnswer(h.db, target)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expect((rejected.reason as DomainError).code).toBe("nothing_to_undo");
    expect(await state(task.assignmentId, task.itemId)).toEqual({
      status: "leased",
      answers: 0,
      done: false,
      labels: 0,
    });
  });
});
