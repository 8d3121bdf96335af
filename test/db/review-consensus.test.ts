import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { consensusIsStale } from "../../db/queries/consensus.ts";
import { exportConsensus, exportRawAnswers } from "../../db/queries/exports.ts";
import { labels } from "../../db/schema/index.ts";
import { runProjectConsensus } from "../../reward/consensus/project-run.ts";
import { createTestDb } from "../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const collect = async <T>(rows: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
};

describe("review and the consensus", () => {
  it("marks each raw answer's review and leaves rejected answers out of the consensus votes", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 3, approvalDelayHours: 24 });
    await uploadPairs(h.db, project, 1);
    for (let i = 0; i < 3; i++) {
      const labeler = await makeUser(h.db, "labeler");
      await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => (i === 2 ? "b" : "a") });
    }
    await h.db
      .update(labels)
      .set({ reviewStatus: "rejected", reviewedAt: sql`now()`, rejectionReason: "low_effort", reviewerId: owner.id })
      .where(sql`${labels.projectId} = ${project.id} and ${labels.value} = 'b'`);
    // One of the others is past its approval delay without a review: approved automatically.
    await h.db
      .update(labels)
      .set({ createdAt: sql`now() - interval '2 days'` })
      .where(sql`${labels.id} = (select min(id) from labels where project_id = ${project.id})`);
    await runProjectConsensus(h.db, project.id);

    const raw = await collect(exportRawAnswers(h.db, project.id));
    expect(raw.map((r) => [r.answer, r.review, r.rejection_reason]).sort()).toEqual([
      ["a", "approved", null],
      ["a", "pending", null],
      ["b", "rejected", "low_effort"],
    ]);
    const [consensus] = await collect(exportConsensus(h.db, project.id));
    expect(consensus.votes).toEqual({ a: 2 });
  });

  it("is stale after a person reviews an answer, and fresh after the run that follows, even when the newest answer was rejected", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 3 });
    await uploadPairs(h.db, project, 2);
    for (let i = 0; i < 3; i++) {
      const labeler = await makeUser(h.db, "labeler");
      await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a" });
    }
    await runProjectConsensus(h.db, project.id);
    expect(await consensusIsStale(h.db, project.id)).toBe(false);
    const reject = (which: "min" | "max") =>
      h.db.execute(sql`update labels set review_status = 'rejected', reviewed_at = clock_timestamp(),
          rejection_reason = 'incorrect', reviewer_id = ${owner.id}
        where id = (select ${sql.raw(which)}(id) from labels where project_id = ${project.id})`);
    await reject("max");
    expect(await consensusIsStale(h.db, project.id)).toBe(true);
    await runProjectConsensus(h.db, project.id);
    expect(await consensusIsStale(h.db, project.id)).toBe(false);
    await reject("min");
    expect(await consensusIsStale(h.db, project.id)).toBe(true);
  });
});
