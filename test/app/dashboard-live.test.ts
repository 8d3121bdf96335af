import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { sweepNewAnswers } from "../../jobs/answer-sweeper.ts";
import { runProjectConsensus } from "../../reward/consensus/project-run.ts";
import { bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await bootApp();
}, 60_000);
afterAll(() => h.close());

const statusRoute = () => import("~/routes/projects+/$projectId.status.ts");
const dashboard = () => import("~/routes/projects+/$projectId._index.tsx");

async function readStatus(projectId: string, userId: string) {
  const { loader } = await statusRoute();
  return call(loader as never, request(`/projects/${projectId}/status`, { cookie: await sessionCookie(userId) }), {
    projectId,
  });
}

describe("the dashboard's live status", () => {
  it("follows answers, the consensus job and its run, and tells the page when to reload the rest", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 2 });
    await uploadPairs(h.db, project, 5);

    const page = await (
      await call(
        (await dashboard()).loader as never,
        request(`/projects/${project.id}`, {
          cookie: await sessionCookie(owner.id),
        }),
        { projectId: project.id },
      )
    ).json();
    const before = await readStatus(project.id, owner.id);
    expect(before.status).toBe(200);
    expect(before.headers.get("Cache-Control")).toBe("no-store");
    const first = await before.json();
    expect(first.progress).toMatchObject({ items: 5, done: 0, inProgress: 0, open: 5, answers: 0 });
    expect(first.consensusJob).toBeNull();
    // What the page loaded and what it polls agree, so an unchanged project never reloads the page.
    expect(first.revision).toBe(page.status.revision);
    expect(first.checkedAt).toBeGreaterThanOrEqual(page.status.checkedAt);

    const labelers = [await makeUser(h.db, "labeler"), await makeUser(h.db, "labeler")];
    await answerTasks(h.db, { projectId: project.id, labelerId: labelers[0].id, answer: () => "a" });
    await sweepNewAnswers(h.db, 0);
    const answered = await (await readStatus(project.id, owner.id)).json();
    expect(answered.progress).toMatchObject({ done: 0, inProgress: 5, open: 0, answers: 5 });
    expect(answered.consensusJob).toMatchObject({ status: "queued" });
    expect(answered.revision).toBe(first.revision);

    await answerTasks(h.db, { projectId: project.id, labelerId: labelers[1].id, answer: () => "a" });
    const { runConsensusPipeline } = await import("../../jobs/handlers.ts");
    const { services } = await import("~/utils/services.server.ts");
    await runConsensusPipeline(services, h.db, project.id);
    const decided = await (await readStatus(project.id, owner.id)).json();
    expect(decided.progress).toMatchObject({ done: 5, inProgress: 0, open: 0, answers: 10 });
    // A new consensus run: the charts and tables the page loaded are out of date.
    expect(decided.revision).not.toBe(first.revision);
  }, 60_000);

  it("answers only the project's owner", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id);
    expect((await readStatus(project.id, (await makeUser(h.db, "requester")).id)).status).toBe(404);
    expect((await readStatus(project.id, (await makeUser(h.db, "labeler")).id)).status).toBe(403);
    const { loader } = await statusRoute();
    const anonymous = await call(loader as never, request(`/projects/${project.id}/status`), { projectId: project.id });
    expect(anonymous.status).toBe(302);
  });

  it("shows the train button's reason while too few items are decided, and makes no version when pressed", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 1 });
    await uploadPairs(h.db, project, 6);
    await answerTasks(h.db, {
      projectId: project.id,
      labelerId: (await makeUser(h.db, "labeler")).id,
      answer: () => "a",
    });
    const cookie = await sessionCookie(owner.id);
    const { loader, action } = await dashboard();
    await runProjectConsensus(h.db, project.id);
    const page = await (
      await call(loader as never, request(`/projects/${project.id}`, { cookie }), { projectId: project.id })
    ).json();
    expect(page.training).toEqual({ pairs: 6, minimum: 20 });

    const posted = await call(
      action as never,
      await csrfFormPost(`/projects/${project.id}`, cookie, { intent: "train" }),
      { projectId: project.id },
    );
    expect(await posted.json()).toEqual({
      message: null,
      errors: ["Training needs at least 20 items with a consensus preference; the project has 6 so far."],
    });
    expect(page.status.models).toEqual([]);
    const after = await (await readStatus(project.id, owner.id)).json();
    expect(after.models).toEqual([]);
  }, 60_000);
});
