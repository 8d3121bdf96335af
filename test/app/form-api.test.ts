import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { assignments, items, labels } from "../../db/schema/index.ts";
import { apiRequest, bootApp, call } from "../support/app.ts";
import { fundProject, makeUser } from "../support/fixtures.ts";

let h: DbHandle;
let requesterKey = "";
const labelerKeys: string[] = [];

beforeAll(async () => {
  h = await bootApp();
  requesterKey = await createApiKey(h.db, { userId: (await makeUser(h.db, "requester")).id, name: "forms" });
  for (let i = 0; i < 2; i++)
    labelerKeys.push(await createApiKey(h.db, { userId: (await makeUser(h.db, "labeler")).id, name: "forms" }));
});
afterAll(() => h.close());

const questions = [
  { name: "rank", type: "ranking", title: "Order the replies, best first" },
  { name: "helpful", type: "rating", title: "Helpfulness", min: 0, max: 4, per: "response" },
  { name: "rewrite", type: "text", title: "Improve the best reply", prefill: "best", required: false },
];

async function createProject(body: object) {
  const { action } = await import("~/routes/api.v1+/projects.ts");
  return call(action as never, apiRequest("/api/v1/projects", requesterKey, body));
}

describe("a project as a form of questions, through the JSON API", () => {
  let projectId = "";

  it("refuses a bad form with the path of each problem", async () => {
    const bad = await createProject({
      title: "Bad form",
      rewardPerLabel: 100,
      budget: 100000,
      questions: [
        { name: "rank", type: "ranking", title: "Order" },
        { name: "score", type: "rating", title: "Score", min: 5, max: 1 },
        { name: "rank", type: "label", title: "Again", categories: ["x"] },
        { name: "Bad Name", type: "vote", title: "?" },
      ],
    });
    expect(bad.status).toBe(400);
    const details: { field: string; message: string }[] = (await bad.json()).error.details;
    expect(details).toEqual(
      expect.arrayContaining([
        { field: "questions.1.max", message: "max must be above min" },
        { field: "questions.2.categories", message: "list at least two categories" },
        expect.objectContaining({ field: "questions.3.type" }),
      ]),
    );
    const empty = await createProject({ title: "Empty form", rewardPerLabel: 100, budget: 100000, questions: [] });
    expect((await empty.json()).error.details).toEqual([{ field: "questions", message: "ask at least one question" }]);
  });

  it("creates a form project, stored with its questions and their defaults", async () => {
    const ok = await createProject({
      title: "Rank and rate",
      labelsPerItem: 2,
      rewardPerLabel: 100,
      budget: 100000,
      questions,
    });
    expect(ok.status).toBe(201);
    const { project } = await ok.json();
    expect(project.taskType).toBe("form");
    expect(project.questions).toEqual([
      { ...questions[0], required: true },
      { ...questions[1], required: true },
      { ...questions[2], required: false, maxLength: 5000 },
    ]);
    projectId = project.id;
    await fundProject(h.db, projectId, 100000n);
    await h.db.insert(items).values(
      ["one", "two", "three"].map((prompt, i) => ({
        projectId,
        externalId: `item-${i}`,
        labelsWanted: 2,
        content: {
          kind: "form" as const,
          messages: [
            { role: "system", content: "Be brief." },
            { role: "user", content: `Say ${prompt}` },
          ],
          responses: [{ text: `best ${i}` }, { text: `middle ${i}` }, { text: `worst ${i}`, model: "small" }],
        },
      })),
    );
    // Waiting for generated responses: never served.
    await h.db.insert(items).values({
      projectId,
      externalId: "pending",
      labelsWanted: 2,
      awaitingResponses: true,
      content: { kind: "form", prompt: "Needs responses", responses: [] },
    });
  });

  it("serves responses in a random order per assignment and stores answers in the item's own order", async () => {
    const { action } = await import("~/routes/api.v1+/projects.$projectId.tasks.ts");
    const post = (key: string, body: object) =>
      call(action as never, apiRequest(`/api/v1/projects/${projectId}/tasks`, key, body), { projectId });

    for (const key of labelerKeys) {
      let { task } = await (await post(key, {})).json();
      let answered = 0;
      while (task) {
        expect(task.kind).toBe("form");
        expect(task.messages).toHaveLength(2);
        expect(task.questions.map((q: { name: string }) => q.name)).toEqual(["rank", "helpful", "rewrite"]);
        expect(task.responses.map((r: { slot: string }) => r.slot)).toEqual(["A", "B", "C"]);
        const slot = (word: string) => task.responses.find((r: { text: string }) => r.text.startsWith(word)).slot;
        if (answered === 0) {
          const bad = await post(key, {
            intent: "answer",
            assignmentId: task.assignmentId,
            answers: { rank: [slot("best"), slot("middle")], helpful: { A: 1, B: 1, C: 1 } },
          });
          expect(bad.status).toBe(400);
          expect((await bad.json()).error.message).toMatch(/rank: expected groups of response numbers/);
          const choice = await post(key, { intent: "answer", assignmentId: task.assignmentId, choice: "left" });
          expect(choice.status).toBe(400);
          expect((await choice.json()).error.message).toMatch(/answers/);
        }
        const response = await post(key, {
          intent: "answer",
          assignmentId: task.assignmentId,
          answers: {
            rank: [slot("best"), [slot("middle"), slot("worst")]],
            helpful: { [slot("best")]: 4, [slot("middle")]: 2, [slot("worst")]: 0 },
            rewrite: "An even better reply",
          },
          timeSpentMs: 4000,
        });
        expect(response.status).toBe(200);
        task = (await response.json()).task;
        answered++;
      }
      expect(answered).toBe(3);
    }

    const stored = await h.db
      .select({ value: labels.value, answers: labels.answers, order: assignments.responseOrder })
      .from(labels)
      .innerJoin(assignments, eq(assignments.id, labels.assignmentId))
      .where(eq(labels.projectId, projectId));
    expect(stored).toHaveLength(6);
    for (const row of stored) {
      expect(row.value).toBe("form");
      expect(row.answers).toEqual({ rank: [[0], [1, 2]], helpful: [4, 2, 0], rewrite: "An even better reply" });
      expect([...row.order!].sort()).toEqual([0, 1, 2]);
    }

    const progress = await call(
      (await import("~/routes/api.v1+/projects.$projectId.progress.ts")).loader as never,
      apiRequest(`/api/v1/projects/${projectId}/progress`, requesterKey),
      { projectId },
    );
    expect((await progress.json()).progress).toMatchObject({ items: 4, done: 3, awaitingResponses: 1, open: 0 });
  });
});
