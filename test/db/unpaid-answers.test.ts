import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { findUndoableAnswer, undoAnswer } from "../../db/queries/labeling-undo.ts";
import { labels, payoutEpochs } from "../../db/schema/index.ts";
import { queryRows } from "../../db/rows.ts";
import { createTestDb } from "../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

/** The triggers' count and the labels' own, for one project. */
async function counts(projectId: string) {
  const [row] = await queryRows<{ kept: number; actual: number; shards: number }>(
    h.db,
    sql`select (select coalesce(sum(answers), 0)::int from project_unpaid_answers where project_id = ${projectId}) as kept,
          (select count(*)::int from labels where project_id = ${projectId} and paid_epoch_id is null) as actual,
          (select count(*)::int from project_unpaid_answers where project_id = ${projectId} and answers > 0) as shards`,
  );
  return row;
}

describe("a project's count of answers no payout has paid", () => {
  it("follows answers, payouts marking them paid, undo and unpaying, over several shards", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 1 });
    await uploadPairs(h.db, project, 30);
    const labeler = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a", limit: 20 });
    const c = await counts(project.id);
    expect(c).toMatchObject({ kept: 20, actual: 20 });
    expect(c.shards).toBeGreaterThan(1);

    // The last answer is undone (deleted).
    const undoable = await findUndoableAnswer(h.db, { projectId: project.id, labelerId: labeler.id });
    await undoAnswer(h.db, { projectId: project.id, labelerId: labeler.id, assignmentId: undoable!.assignmentId });
    expect(await counts(project.id)).toMatchObject({ kept: 19, actual: 19 });

    // A payout marks eight paid in one statement; the review columns changing elsewhere change nothing.
    const epoch = { id: `test-${project.id}`, startsAt: new Date(0), endsAt: new Date(1) };
    await h.db.insert(payoutEpochs).values(epoch);
    const ids = (await h.db.select({ id: labels.id }).from(labels).where(eq(labels.projectId, project.id)))
      .map((r) => r.id)
      .slice(0, 8);
    await h.db.update(labels).set({ paidEpochId: epoch.id }).where(inArray(labels.id, ids));
    await h.db.update(labels).set({ reviewStatus: "approved" }).where(eq(labels.projectId, project.id));
    expect(await counts(project.id)).toMatchObject({ kept: 11, actual: 11 });

    // Two are unpaid again (an epoch undone), and another project's answers are counted apart.
    await h.db
      .update(labels)
      .set({ paidEpochId: null })
      .where(inArray(labels.id, ids.slice(0, 2)));
    const other = await makeProject(h.db, owner.id, { labelsPerItem: 1 });
    await uploadPairs(h.db, other, 3);
    await answerTasks(h.db, { projectId: other.id, labelerId: labeler.id, answer: () => "b" });
    expect(await counts(project.id)).toMatchObject({ kept: 13, actual: 13 });
    expect(await counts(other.id)).toMatchObject({ kept: 3, actual: 3 });
  });
});
