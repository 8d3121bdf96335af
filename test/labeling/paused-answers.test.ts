import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { setUserPaused } from "../../db/queries/identity.ts";
import { leaseNextTask, submitAnswer } from "../../db/queries/labeling.ts";
import { setProjectPaused } from "../../db/queries/projects.ts";
import { labels } from "../../db/schema/index.ts";
import { createTestDb } from "../support/db.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

async function heldTask() {
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id);
  await uploadPairs(h.db, project, 2);
  const labeler = await makeUser(h.db, "labeler");
  const task = (await leaseNextTask(h.db, { projectId: project.id, labelerId: labeler.id }))!;
  return { project, labeler, task };
}

const storedAnswers = async (projectId: string) =>
  (await h.db.select().from(labels).where(eq(labels.projectId, projectId))).length;

describe("answers of paused labelers and projects", () => {
  it("are refused before anything is written when the labeler was paused during the lease", async () => {
    const { project, labeler, task } = await heldTask();
    await setUserPaused(h.db, { userId: labeler.id, reason: "too fast" });
    await expect(
      submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId: labeler.id, answer: { value: "a" } }),
    ).rejects.toMatchObject({ code: "labeler_paused" });
    expect(await storedAnswers(project.id)).toBe(0);
  });

  it("are refused before anything is written when the requester paused the project", async () => {
    const { project, labeler, task } = await heldTask();
    await setProjectPaused(h.db, { projectId: project.id, paused: true });
    await expect(
      submitAnswer(h.db, { assignmentId: task.assignmentId, labelerId: labeler.id, answer: { value: "a" } }),
    ).rejects.toMatchObject({ code: "project_paused" });
    expect(await storedAnswers(project.id)).toBe(0);
  });
});
