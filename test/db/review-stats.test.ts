// The figures the task list shows labelers about a requester, computed from known answers: approval rate (automatic
// approvals and appeals overturned count as approved), mean time to approval, and appeal outcomes.
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { setApprovalDelay } from "../../db/queries/projects.ts";
import { listRequesterReviewStats } from "../../db/queries/review-stats.ts";
import { answerAppeals, labels } from "../../db/schema/index.ts";
import { createTestDb } from "../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

/** A project of `owner` with `n` answers by `labelerId`; their label ids in order. */
async function answered(ownerId: string, labelerId: string, n: number, approvalDelayHours: number) {
  const project = await makeProject(h.db, ownerId, { labelsPerItem: 1, approvalDelayHours });
  await uploadPairs(h.db, project, n);
  await answerTasks(h.db, { projectId: project.id, labelerId, answer: () => "a" });
  const rows = await h.db
    .select({ id: labels.id })
    .from(labels)
    .where(eq(labels.projectId, project.id))
    .orderBy(asc(labels.id));
  return { project, ids: rows.map((r) => r.id) };
}

/** Sets a label's history: answered `daysAgo` days ago, then reviewed `after` hours later (or left pending). */
async function history(
  id: number,
  daysAgo: number,
  review?: { status: "approved" | "rejected"; after: number; by: string },
) {
  await h.db.execute(sql`update labels set created_at = now() - make_interval(days => ${daysAgo}),
      review_status = ${review?.status ?? "pending"},
      reviewed_at = ${review ? sql`now() - make_interval(days => ${daysAgo}) + make_interval(hours => ${review.after})` : null},
      reviewer_id = ${review?.by ?? null}
    where id = ${id}`);
}

async function appeal(labelId: number, labelerId: string, projectId: string, decision: "upheld" | "overturned" | null) {
  await h.db.insert(answerAppeals).values({
    labelId,
    labelerId,
    projectId,
    message: "I followed the instructions.",
    decision,
    decidedAt: decision ? new Date() : null,
  });
}

describe("a requester's review figures", () => {
  it("counts over all the requester's projects: approved ÷ decided, mean time to approval, appeals overturned", async () => {
    const owner = await makeUser(h.db, "requester");
    const labeler = await makeUser(h.db, "labeler");
    const slow = await answered(owner.id, labeler.id, 6, 72);
    const quick = await answered(owner.id, labeler.id, 2, 24);
    const [a1, a2, a3, rejected, pending, recent] = slow.ids;
    const [auto, overturned] = quick.ids;
    // Three approved by a person after 2, 4 and 6 hours.
    await history(a1, 10, { status: "approved", after: 2, by: owner.id });
    await history(a2, 10, { status: "approved", after: 4, by: owner.id });
    await history(a3, 10, { status: "approved", after: 6, by: owner.id });
    // Nobody reviewed it: approved automatically when its project's 24 hours ended.
    await history(auto, 5);
    // Rejected after an hour, the appeal upheld.
    await history(rejected, 9, { status: "rejected", after: 1, by: owner.id });
    await appeal(rejected, labeler.id, slow.project.id, "upheld");
    // Rejected, then approved on appeal 30 hours after the answer.
    await history(overturned, 9, { status: "approved", after: 30, by: owner.id });
    await appeal(overturned, labeler.id, quick.project.id, "overturned");
    // Still inside the 72 hours: not decided yet, so in neither count.
    await history(pending, 1);
    await history(recent, 0);

    // Another requester's answers count for them only; one without answers has nothing to show.
    const other = await makeUser(h.db, "requester");
    const theirs = await answered(other.id, labeler.id, 1, 0);
    await history(theirs.ids[0], 3, { status: "rejected", after: 1, by: other.id });
    await appeal(theirs.ids[0], labeler.id, theirs.project.id, null);
    const idle = await makeUser(h.db, "requester");

    const stats = await listRequesterReviewStats(h.db, { ownerIds: [owner.id, other.id, idle.id, owner.id] });
    expect(stats.size).toBe(3);
    const mine = stats.get(owner.id)!;
    expect(mine).toMatchObject({
      decided: 6,
      approved: 5,
      appealsDecided: 2,
      appealsOverturned: 1,
    });
    expect(mine.approvalRate).toBeCloseTo(5 / 6, 12);
    // (2 + 4 + 6 + 24 + 30) / 5 hours.
    expect(mine.meanApprovalHours).toBeCloseTo(13.2, 6);
    expect(stats.get(other.id)).toEqual({
      ownerId: other.id,
      decided: 1,
      approved: 0,
      approvalRate: 0,
      meanApprovalHours: null,
      appealsDecided: 0,
      appealsOverturned: 0,
    });
    expect(stats.get(idle.id)).toEqual({
      ownerId: idle.id,
      decided: 0,
      approved: 0,
      approvalRate: null,
      meanApprovalHours: null,
      appealsDecided: 0,
      appealsOverturned: 0,
    });
    expect((await listRequesterReviewStats(h.db, { ownerIds: [] })).size).toBe(0);
  });

  it("keeps automatic approvals approved when the delay is made longer, and applies it to answers still waiting", async () => {
    const owner = await makeUser(h.db, "requester");
    const labeler = await makeUser(h.db, "labeler");
    const { project, ids } = await answered(owner.id, labeler.id, 2, 24);
    const [old, young] = ids;
    await history(old, 3); // past its 24 hours: approved automatically, 24 hours after the answer
    await history(young, 0); // inside them
    const before = (await listRequesterReviewStats(h.db, { ownerIds: [owner.id] })).get(owner.id)!;
    expect(before).toMatchObject({ decided: 1, approved: 1 });
    expect(before.meanApprovalHours).toBeCloseTo(24, 6);

    await setApprovalDelay(h.db, { projectId: project.id, hours: 720 });
    const after = (await listRequesterReviewStats(h.db, { ownerIds: [owner.id] })).get(owner.id)!;
    expect(after).toMatchObject({ decided: 1, approved: 1 });
    expect(after.meanApprovalHours).toBeCloseTo(24, 6);
    const rows = await h.db.select().from(labels).where(eq(labels.projectId, project.id)).orderBy(asc(labels.id));
    expect(rows.map((r) => [r.reviewStatus, r.reviewerId])).toEqual([
      ["approved", null],
      ["pending", null],
    ]);

    // Shorter than the young answer's age: approved at once.
    await setApprovalDelay(h.db, { projectId: project.id, hours: 0 });
    expect((await listRequesterReviewStats(h.db, { ownerIds: [owner.id] })).get(owner.id)).toMatchObject({
      decided: 2,
      approved: 2,
    });
  });
});
