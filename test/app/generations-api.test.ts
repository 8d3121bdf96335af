import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import type { Project } from "../../db/queries/projects.ts";
import { items, responseGenerations, type FormContent, type Question } from "../../db/schema/index.ts";
import { apiRequest, bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";

let h: DbHandle;
let upstream: Server;
let ownerId = "";
let ownerKey = "";
let strangerKey = "";
let labelerKey = "";
let preference: Project;
const PREFERENCE: Question[] = [{ type: "preference", name: "better", title: "Which is better?", required: true }];

beforeAll(async () => {
  h = await bootApp();
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const { model, n } = JSON.parse(body) as { model: string; n: number };
      res.setHeader("Content-Type", "application/json");
      const choices = Array.from({ length: n }, (_, index) => ({
        index,
        message: { content: `${model} says ${index}` },
      }));
      res.end(JSON.stringify({ choices }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  process.env.LLM_UPSTREAM_URL = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  process.env.LLM_UPSTREAM_MODEL = "house-model";

  const owner = await makeUser(h.db, "requester");
  ownerId = owner.id;
  ownerKey = await createApiKey(h.db, { userId: owner.id, name: "owner" });
  strangerKey = await createApiKey(h.db, { userId: (await makeUser(h.db, "requester")).id, name: "stranger" });
  labelerKey = await createApiKey(h.db, { userId: (await makeUser(h.db, "labeler")).id, name: "labeler" });
  preference = await makeProject(h.db, owner.id, { taskType: "form", questions: PREFERENCE });
  await waitingItems(preference, 3);
}, 120_000);
afterAll(async () => {
  upstream.close();
  await h.close();
});

async function waitingItems(project: Project, n: number) {
  await h.db.insert(items).values(
    Array.from({ length: n }, (_, i) => ({
      projectId: project.id,
      externalId: `w${i}`,
      content: { kind: "form" as const, prompt: `question ${i}`, responses: [] },
      awaitingResponses: true,
      labelsWanted: 3,
    })),
  );
}

async function route() {
  return import("~/routes/api.v1+/projects.$projectId.generations.ts");
}

async function post(project: Project, body: object, key = ownerKey) {
  const { action } = await route();
  const response = await call(action as never, apiRequest(`/api/v1/projects/${project.id}/generations`, key, body), {
    projectId: project.id,
  });
  return { status: response.status, body: await response.json() };
}

async function list(project: Project, key = ownerKey) {
  const { loader } = await route();
  const response = await call(loader as never, apiRequest(`/api/v1/projects/${project.id}/generations`, key), {
    projectId: project.id,
  });
  return { status: response.status, body: await response.json() };
}

describe("POST/GET /api/v1/projects/:id/generations", () => {
  it("is for the project's owner only", async () => {
    const { action } = await route();
    const anonymous = await call(
      action as never,
      request(`/api/v1/projects/${preference.id}/generations`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ n: 2 }),
      }),
      { projectId: preference.id },
    );
    expect(anonymous.status).toBe(401);
    expect((await post(preference, { n: 2 }, labelerKey)).status).toBe(403);
    expect(await post(preference, { n: 2 }, strangerKey)).toMatchObject({
      status: 404,
      body: { error: { code: "not_found" } },
    });
    expect((await list(preference, strangerKey)).status).toBe(404);
  });

  it("refuses bad input with the reason", async () => {
    const refusal = async (body: object, project = preference) => {
      const { status, body: json } = await post(project, body);
      return { status, code: json.error.code, message: json.error.message };
    };
    expect(await refusal({ n: 0 })).toMatchObject({ status: 400, message: "n: n must be from 1 to 9" });
    expect(await refusal({ n: "2" })).toMatchObject({ status: 400, message: "n: n must be a number" });
    expect(await refusal({ n: 2, temperature: 2.5 })).toMatchObject({
      status: 400,
      message: "temperature: temperature must be from 0 to 2",
    });
    expect(await refusal({ n: 2, models: [] })).toMatchObject({
      status: 400,
      message: "models: name at least one model",
    });
    expect(await refusal({ n: 3 })).toMatchObject({
      status: 400,
      message: "n: this form needs exactly 2 responses per item",
    });
    expect(await refusal({ n: 2, models: ["a", "b", "c"] })).toMatchObject({
      status: 400,
      message: "models: 3 models cannot share 2 responses per item: name at most 2",
    });

    const pairwise = await makeProject(h.db, ownerId);
    expect(await refusal({ n: 2 }, pairwise)).toMatchObject({ status: 409, code: "not_a_form" });
    const nothingWaiting = await makeProject(h.db, ownerId, { taskType: "form", questions: PREFERENCE });
    expect(await refusal({ n: 2 }, nothingWaiting)).toMatchObject({ status: 409, code: "nothing_to_generate" });

    const { services } = await import("~/utils/services.server.ts");
    const url = services.env.LLM_UPSTREAM_URL;
    services.env.LLM_UPSTREAM_URL = undefined;
    try {
      expect(await refusal({ n: 2 })).toMatchObject({
        status: 503,
        code: "no_upstream",
        message: "No upstream LLM is configured (LLM_UPSTREAM_URL)",
      });
      expect((await list(preference)).body.upstream).toBeNull();
    } finally {
      services.env.LLM_UPSTREAM_URL = url;
    }
    expect(await h.db.select().from(responseGenerations)).toEqual([]);
  });

  it("queues a generation (202), refuses a second while it runs, and lists its progress", async () => {
    const started = await post(preference, { models: ["m1", "m2"], n: 2, temperature: 0.3 });
    expect(started).toMatchObject({
      status: 202,
      body: { generation: { status: "queued", models: ["m1", "m2"], n: 2, temperature: 0.3, itemsTotal: 3 } },
    });
    expect(await post(preference, { n: 2 })).toMatchObject({
      status: 409,
      body: { error: { code: "generation_running" } },
    });

    const { runDueJobs } = await import("../../jobs/worker.ts");
    const { services } = await import("~/utils/services.server.ts");
    await runDueJobs(services, { kinds: ["generate-responses"] });
    const listed = await list(preference);
    expect(listed).toMatchObject({
      status: 200,
      body: {
        upstream: { defaultModel: "house-model" },
        awaitingItems: 0,
        responses: { min: 2, max: 2 },
        generations: [
          { id: started.body.generation.id, status: "done", itemsTotal: 3, itemsDone: 3, itemsFailed: 0, errors: [] },
        ],
      },
    });
    const rows = await h.db.select().from(items).where(eq(items.projectId, preference.id));
    for (const row of rows)
      expect((row.content as FormContent).responses).toEqual([
        { text: "m1 says 0", model: "m1" },
        { text: "m2 says 0", model: "m2" },
      ]);
  });

  it("starts one from the dashboard's form, with the configured model by default", async () => {
    const project = await makeProject(h.db, ownerId, { taskType: "form", questions: PREFERENCE });
    await waitingItems(project, 2);
    const page = await import("~/routes/projects+/$projectId._index.tsx");
    const cookie = await sessionCookie(ownerId);
    const submit = async (fields: Record<string, string>) =>
      (
        await call(page.action as never, await csrfFormPost(`/projects/${project.id}`, cookie, fields), {
          projectId: project.id,
        })
      ).json();
    expect(await submit({ intent: "generate", models: "a, b", n: "5", temperature: "1" })).toEqual({
      message: null,
      errors: ["n: this form needs exactly 2 responses per item"],
    });
    expect(await submit({ intent: "generate", models: "", n: "2", temperature: "0.5" })).toEqual({
      message: "Generating 2 responses for each of 2 items…",
      errors: null,
    });
    const [generation] = await h.db
      .select()
      .from(responseGenerations)
      .where(eq(responseGenerations.projectId, project.id));
    expect(generation).toMatchObject({ models: ["house-model"], n: 2, temperature: 0.5, status: "queued" });
    // The panel's data comes with the page, and then with each live-status poll (no reload of the page).
    const shown = await (
      await call(page.loader as never, request(`/projects/${project.id}`, { cookie }), { projectId: project.id })
    ).json();
    expect(shown.status.generations).toMatchObject({ awaitingItems: 2, generations: [{ id: generation.id }] });
    const live = await import("~/routes/projects+/$projectId.status.ts");
    const polled = await (
      await call(live.loader as never, request(`/projects/${project.id}/status`, { cookie }), {
        projectId: project.id,
      })
    ).json();
    expect(polled.generations).toMatchObject({ awaitingItems: 2, generations: [{ id: generation.id }] });
  });
});
