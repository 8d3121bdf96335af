import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { leaseNextTask, submitAnswer } from "../../db/queries/labeling.ts";
import { createPostgresTestDb } from "../support/db.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

// Two sessions at once: PostgreSQL only (PGlite has one connection).
let h: DbHandle;
let other: postgres.Sql;
beforeAll(async () => {
  const made = await createPostgresTestDb();
  h = made.handle;
  other = postgres(made.url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await other.end();
  await h.close();
});

describe("labeling beside a transaction that references items", () => {
  it("leases and answers items another session holds key-share locks on (a consensus save in progress)", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 1 });
    await uploadPairs(h.db, project, 3);
    const labeler = await makeUser(h.db, "labeler");
    const task = (await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }))!;

    await other.begin(async (tx) => {
      // What inserting item_consensus rows does to their items: a key-share lock on each, until commit.
      await tx`select id from items where project_id = ${project.id} for key share`;
      const answered = submitAnswer(h.db, {
        assignmentId: task.assignmentId,
        labelerId: labeler.id,
        answer: { value: "a" },
      });
      const next = answered.then(() => leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }));
      // Waiting on the lock would last until this transaction ends: it cannot end before these settle.
      const blocked = new Promise((resolve) => setTimeout(() => resolve("still waiting on the lock"), 10_000).unref());
      expect(await Promise.race([answered, blocked])).toMatchObject({ itemId: task.itemId });
      expect(await Promise.race([next, blocked])).toMatchObject({ projectId: project.id });
    });
  });
});
