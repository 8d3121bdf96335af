import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { apiRequest, bearer, bootApp, call, request } from "../support/app.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { fundProject, makeUser, pairLines } from "../support/fixtures.ts";

let h: DbHandle;
let requesterKey = "";
const labelerKeys: string[] = [];

beforeAll(async () => {
  h = await bootApp();
  requesterKey = await createApiKey(h.db, { userId: (await makeUser(h.db, "requester")).id, name: "pipeline" });
  for (let i = 0; i < 3; i++)
    labelerKeys.push(await createApiKey(h.db, { userId: (await makeUser(h.db, "labeler")).id, name: "bench" }));
});
afterAll(() => h.close());

describe("requester JSON API end to end", () => {
  let projectId = "";

  it("creates a project, validating input with field-level reasons", async () => {
    const { action } = await import("~/routes/api.v1+/projects.ts");
    const bad = await call(
      action as never,
      apiRequest("/api/v1/projects", requesterKey, { title: "x", taskType: "label", rewardPerLabel: -1, budget: "10" }),
    );
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error.code).toBe("invalid_project");
    expect(body.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(["title", "rewardPerLabel"]),
    );

    // Amounts beyond the platform's limits (a thousand tokens a label, a billion tokens of budget) are refused.
    const huge = await call(
      action as never,
      apiRequest("/api/v1/projects", requesterKey, {
        title: "Too rich",
        taskType: "pairwise",
        rewardPerLabel: "1000000001",
        budget: "90000000000000000",
      }),
    );
    expect(huge.status).toBe(400);
    const hugeBody = await huge.json();
    expect(hugeBody.error.details).toEqual(
      expect.arrayContaining([
        { field: "rewardPerLabel", message: "Reward per label must be at most 1000000000 base units" },
        { field: "budget", message: "Budget must be at most 1000000000000000 base units" },
      ]),
    );

    const ok = await call(
      action as never,
      apiRequest("/api/v1/projects", requesterKey, {
        title: "API project",
        taskType: "pairwise",
        labelsPerItem: 2,
        rewardPerLabel: 250,
        budget: "900000000000000",
      }),
    );
    expect(ok.status).toBe(201);
    const { project } = await ok.json();
    expect(project).toMatchObject({
      taskType: "pairwise",
      labelsPerItem: 2,
      rewardPerLabel: "250",
      budget: "900000000000000",
    });
    projectId = project.id;
    await fundProject(h.db, projectId, 1_000_000n);
  });

  it("uploads all-or-nothing: a bad file returns 422 with line numbers, a good one 201", async () => {
    const { action } = await import("~/routes/api.v1+/projects.$projectId.items.ts");
    const path = `/api/v1/projects/${projectId}/items`;
    const bad = await call(
      action as never,
      request(path, {
        method: "POST",
        headers: bearer(requesterKey, { "Content-Type": "application/x-ndjson" }),
        body: pairLines(5) + '\n{"prompt":1}',
      }),
      { projectId },
    );
    expect(bad.status).toBe(422);
    expect((await bad.json()).error).toMatchObject({ code: "invalid_dataset", details: [{ line: 6 }] });

    const unknown = await call(
      action as never,
      request(path, { method: "POST", headers: bearer(requesterKey), body: "x" }),
      { projectId },
    );
    expect(unknown.status).toBe(415);

    const ok = await call(
      action as never,
      request(`${path}?filename=pairs.jsonl`, {
        method: "POST",
        headers: bearer(requesterKey),
        body: pairLines(4),
      }),
      { projectId },
    );
    expect(ok.status).toBe(201);
    expect((await ok.json()).upload).toMatchObject({ rows: 4, inserted: 4 });
  });

  it("labelers answer through the task API in on-screen terms; exports map them back to the items' A/B", async () => {
    const { action } = await import("~/routes/api.v1+/projects.$projectId.tasks.ts");
    const post = (key: string, body: object) =>
      call(action as never, apiRequest(`/api/v1/projects/${projectId}/tasks`, key, body), { projectId });

    // Every labeler always prefers the response whose text starts with "a " (the item's A), wherever it is shown.
    for (const key of labelerKeys.slice(0, 2)) {
      let { task } = await (await post(key, {})).json();
      let answered = 0;
      while (task) {
        const choice = task.left.startsWith("a ") ? "left" : "right";
        const response = await post(key, {
          intent: "answer",
          assignmentId: task.assignmentId,
          choice,
          strength: 2,
          timeSpentMs: 1500,
        });
        expect(response.status).toBe(200);
        task = (await response.json()).task;
        answered++;
      }
      expect(answered).toBe(4);
    }
    const third = await (await post(labelerKeys[2], {})).json();
    expect(third.task).toBeNull();

    const invalid = await post(labelerKeys[0], { intent: "answer", assignmentId: 999999, choice: "left" });
    expect(invalid.status).toBe(404);

    const { latestJob } = await import("../../db/queries/jobs.ts");
    const { runDueJobs } = await import("../../jobs/worker.ts");
    const { sweepNewAnswers } = await import("../../jobs/answer-sweeper.ts");
    const { queueConsensus } = await import("../../jobs/queue.ts");
    const { services } = await import("~/utils/services.server.ts");
    expect(await latestJob(h.db, { kind: "consensus", key: projectId })).toBeNull();
    const seen = await sweepNewAnswers(h.db, 0);
    expect(seen).toBeGreaterThan(0);
    expect(await sweepNewAnswers(h.db, seen)).toBe(seen);
    const queued = await latestJob(h.db, { kind: "consensus", key: projectId });
    expect(queued).toMatchObject({ status: "queued", payload: { projectId } });
    expect(queued!.runAt.getTime()).toBeGreaterThan(Date.now());

    const { loader } = await import("~/routes/api.v1+/projects.$projectId.export.ts");
    const prefs = await call(loader as never, apiRequest(`/api/v1/projects/${projectId}/export`, requesterKey), {
      projectId,
    });
    expect(prefs.headers.get("Content-Type")).toMatch(/ndjson/);
    const lines = (await prefs.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      expect(l.chosen).toMatch(/^a /);
      expect(l.rejected).toMatch(/^b /);
      expect(l).toMatchObject({ votes: { a: 2 } });
      expect(l.confidence).toBeGreaterThan(0.5);
    }
    const raw = await call(loader as never, apiRequest(`/api/v1/projects/${projectId}/export?kind=raw`, requesterKey), {
      projectId,
    });
    const answers = (await raw.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(answers).toHaveLength(8);
    expect(answers.every((a) => a.answer === "a" && a.strength === 2 && ["ab", "ba"].includes(a.shown_order))).toBe(
      true,
    );
    expect(new Set(answers.map((a) => a.labeler_id)).size).toBe(2);

    await queueConsensus(h.db, projectId, { now: true });
    expect(await runDueJobs(services)).toBe(1);
    expect(await latestJob(h.db, { kind: "consensus", key: projectId })).toMatchObject({
      status: "done",
      result: { status: "done", items: 4, labelers: 2 },
    });

    const progress = await call(
      (await import("~/routes/api.v1+/projects.$projectId.progress.ts")).loader as never,
      apiRequest(`/api/v1/projects/${projectId}/progress`, requesterKey),
      { projectId },
    );
    expect((await progress.json()).progress).toMatchObject({ items: 4, done: 4, answers: 8, open: 0 });
  });
});
