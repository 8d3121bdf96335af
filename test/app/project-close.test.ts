import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { apiRequest, bootApp, call } from "../support/app.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;

beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

describe("closing a project", () => {
  it("closes once for its owner, stops serving tasks, and is not found for another requester", async () => {
    const { action } = await import("~/routes/api.v1+/projects.$projectId.close.ts");
    const tasks = await import("~/routes/api.v1+/projects.$projectId.tasks.ts");
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id);
    await uploadPairs(h.db, project, 2);
    const ownerKey = await createApiKey(h.db, { userId: owner.id, name: "close" });
    const strangerKey = await createApiKey(h.db, { userId: (await makeUser(h.db, "requester")).id, name: "x" });
    const labelerKey = await createApiKey(h.db, { userId: (await makeUser(h.db, "labeler")).id, name: "l" });
    const path = `/api/v1/projects/${project.id}/close`;
    const params = { projectId: project.id };

    const stranger = await call(action as never, apiRequest(path, strangerKey, {}), params);
    expect(stranger.status).toBe(404);
    const first = await call(action as never, apiRequest(path, ownerKey, {}), params);
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body.closed).toBe(true);
    expect(body.project.closedAt).toEqual(expect.any(String));
    const again = await (await call(action as never, apiRequest(path, ownerKey, {}), params)).json();
    expect(again.closed).toBe(false);

    const lease = await call(
      tasks.action as never,
      apiRequest(`/api/v1/projects/${project.id}/tasks`, labelerKey, {}),
      params,
    );
    expect(lease.status).toBe(409);
    expect((await lease.json()).error.code).toBe("project_closed");
  });

  it("refuses tasks with a reason once the funds could not pay another answer", async () => {
    const tasks = await import("~/routes/api.v1+/projects.$projectId.tasks.ts");
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { rewardPerLabel: 1_000n, funded: 1_500n });
    await uploadPairs(h.db, project, 3);
    const key = await createApiKey(h.db, { userId: (await makeUser(h.db, "labeler")).id, name: "l" });
    const path = `/api/v1/projects/${project.id}/tasks`;
    const first = await (
      await call(tasks.action as never, apiRequest(path, key, {}), { projectId: project.id })
    ).json();
    const answered = await call(
      tasks.action as never,
      apiRequest(path, key, { intent: "answer", assignmentId: first.task.assignmentId, choice: "left" }),
      { projectId: project.id },
    );
    // The answer is stored and said so; the next task is refused with the reason.
    expect(answered.status).toBe(200);
    const reply = await answered.json();
    expect(reply).toMatchObject({ accepted: true, task: null, stopped: { code: "out_of_funds" } });
    expect(reply.stopped.message).toMatch(/no funds left/);
    const next = await call(tasks.action as never, apiRequest(path, key, {}), { projectId: project.id });
    expect(next.status).toBe(409);
    expect((await next.json()).error.code).toBe("out_of_funds");
  });
});
