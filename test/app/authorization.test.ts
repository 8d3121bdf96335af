import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { apiRequest, bootApp, call, csrfFormPost, formData, request, sessionCookie } from "../support/app.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
const cookies: Record<string, string> = {};
let projectId = "";
let apiKeys: Record<string, string> = {};

beforeAll(async () => {
  h = await bootApp();
  const owner = await makeUser(h.db, "requester", "owner");
  const stranger = await makeUser(h.db, "requester", "stranger");
  const labeler = await makeUser(h.db, "labeler");
  const admin = await makeUser(h.db, "admin");
  const project = await makeProject(h.db, owner.id);
  await uploadPairs(h.db, project, 3);
  projectId = project.id;
  for (const [name, user] of Object.entries({ owner, stranger, labeler, admin }))
    cookies[name] = await sessionCookie(user.id);
  apiKeys = {
    owner: await createApiKey(h.db, { userId: owner.id, name: "k" }),
    stranger: await createApiKey(h.db, { userId: stranger.id, name: "k" }),
    labeler: await createApiKey(h.db, { userId: labeler.id, name: "k" }),
  };
});
afterAll(() => h.close());

const routes = {
  projects: () => import("~/routes/projects+/_index.tsx"),
  newProject: () => import("~/routes/projects+/new.tsx"),
  project: () => import("~/routes/projects+/$projectId._index.tsx"),
  exportRaw: () => import("~/routes/projects+/$projectId.export.$kind.ts"),
  upload: () => import("~/routes/projects+/$projectId.upload.ts"),
  work: () => import("~/routes/work+/_index.tsx"),
  label: () => import("~/routes/work+/$projectId.tsx"),
  apiKeys: () => import("~/routes/_account+/settings.api-keys.tsx"),
  quality: () => import("~/routes/work+/quality.tsx"),
  abuse: () => import("~/routes/admin+/abuse.tsx"),
  wallet: () => import("~/routes/_account+/wallet.tsx"),
  treasury: () => import("~/routes/admin+/treasury.tsx"),
  jobRuns: () => import("~/routes/admin+/job-runs.ts"),
  playground: () => import("~/routes/_account+/playground.tsx"),
  modelFile: () => import("~/routes/projects+/$projectId.models.$modelId.$file.ts"),
};

type Who = "anonymous" | "owner" | "stranger" | "labeler" | "admin";
type Case = {
  route: keyof typeof routes;
  path: string;
  method?: "POST";
  params?: () => Record<string, string>;
  expect: Partial<Record<Who, number>>;
};

const p = () => ({ projectId });
const cases: Case[] = [
  { route: "projects", path: "/projects", expect: { anonymous: 302, labeler: 403, owner: 200, admin: 200 } },
  { route: "newProject", path: "/projects/new", expect: { anonymous: 302, labeler: 403, owner: 200 } },
  {
    route: "project",
    path: "/projects/x",
    params: p,
    expect: { anonymous: 302, labeler: 403, stranger: 404, owner: 200, admin: 200 },
  },
  {
    route: "project",
    path: "/projects/x",
    method: "POST",
    params: p,
    expect: { anonymous: 302, labeler: 403, stranger: 404 },
  },
  {
    route: "exportRaw",
    path: "/projects/x/export/raw",
    params: () => ({ projectId, kind: "raw" }),
    expect: { anonymous: 302, labeler: 403, stranger: 404, owner: 200 },
  },
  {
    route: "upload",
    path: "/projects/x/upload",
    method: "POST",
    params: p,
    expect: { anonymous: 302, labeler: 403, stranger: 404 },
  },
  { route: "work", path: "/work", expect: { anonymous: 302, owner: 403, stranger: 403, labeler: 200 } },
  { route: "label", path: "/work/x", params: p, expect: { anonymous: 302, owner: 403, labeler: 200 } },
  { route: "label", path: "/work/x", method: "POST", params: p, expect: { anonymous: 302, owner: 403 } },
  { route: "apiKeys", path: "/settings/api-keys", expect: { anonymous: 302, labeler: 200, owner: 200 } },
  { route: "quality", path: "/work/quality", expect: { anonymous: 302, owner: 403, labeler: 200 } },
  { route: "abuse", path: "/admin/abuse", expect: { anonymous: 302, owner: 403, labeler: 403, admin: 200 } },
  { route: "abuse", path: "/admin/abuse", method: "POST", expect: { anonymous: 302, owner: 403, labeler: 403 } },
  { route: "wallet", path: "/wallet", expect: { anonymous: 302, labeler: 200, owner: 200 } },
  { route: "treasury", path: "/admin/treasury", expect: { anonymous: 302, owner: 403, labeler: 403, admin: 200 } },
  { route: "jobRuns", path: "/admin/job-runs", expect: { anonymous: 302, owner: 403, labeler: 403, admin: 200 } },
  { route: "treasury", path: "/admin/treasury", method: "POST", expect: { anonymous: 302, owner: 403, labeler: 403 } },
  { route: "playground", path: "/playground", expect: { anonymous: 302, labeler: 200, owner: 200 } },
  {
    route: "modelFile",
    path: "/projects/x/models/y/model.onnx",
    params: () => ({ projectId, modelId: "00000000-0000-0000-0000-000000000000", file: "model.onnx" }),
    expect: { anonymous: 302, labeler: 403, stranger: 404, owner: 404 },
  },
];

describe("role and ownership checks on every loader and action", () => {
  for (const c of cases) {
    for (const [who, status] of Object.entries(c.expect)) {
      it(`${c.method ?? "GET"} ${c.route} as ${who} → ${status}`, async () => {
        const mod = (await routes[c.route]()) as unknown as { loader?: never; action?: never };
        const fn = c.method === "POST" ? mod.action : mod.loader;
        const req = request(c.path, {
          method: c.method ?? "GET",
          cookie: cookies[who],
          body: c.method ? new FormData() : undefined,
        });
        const response = await call(fn, req, c.params?.() ?? {});
        expect(response.status).toBe(status);
        if (status === 302) expect(response.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
      });
    }
  }

  it("refuses a form post without a valid CSRF token, and accepts one with it", async () => {
    const mod = await routes.newProject();
    const fields = { title: "CSRF test", taskType: "pairwise", rewardPerLabel: "5", budget: "100" };
    const refused = await call(
      mod.action as never,
      request("/projects/new", { method: "POST", cookie: cookies.owner, body: formData(fields) }),
    );
    expect(refused.status).toBe(403);

    const ok = await call(mod.action as never, await csrfFormPost("/projects/new", cookies.owner, fields));
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toMatch(/^\/projects\/[0-9a-f-]{36}$/);
  });
});

describe("API keys scope the JSON API", () => {
  const api = {
    list: () => import("~/routes/api.v1+/projects.ts"),
    project: () => import("~/routes/api.v1+/projects.$projectId.ts"),
    exportRoute: () => import("~/routes/api.v1+/projects.$projectId.export.ts"),
  };

  it("401 without a key or with a wrong one, as JSON with a code", async () => {
    const { loader } = await api.list();
    const none = await call(loader as never, request("/api/v1/projects"));
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: "unauthorized" } });
    const wrong = await call(loader as never, apiRequest("/api/v1/projects", "pw_nope"));
    expect(wrong.status).toBe(401);
  });

  it("403 for a labeler's key, 404 for another requester's project, 200 for the owner", async () => {
    const { loader } = await api.project();
    const path = `/api/v1/projects/${projectId}`;
    expect((await call(loader as never, apiRequest(path, apiKeys.labeler), { projectId })).status).toBe(403);
    const stranger = await call(loader as never, apiRequest(path, apiKeys.stranger), { projectId });
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toMatchObject({ error: { code: "not_found" } });
    const own = await call(loader as never, apiRequest(path, apiKeys.owner), { projectId });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ project: { id: projectId }, progress: { items: 3 } });
    const exp = await call(
      (await api.exportRoute()).loader as never,
      apiRequest(`${path}/export?kind=raw`, apiKeys.stranger),
      { projectId },
    );
    expect(exp.status).toBe(404);
  });

  it("a revoked key stops working at once", async () => {
    const { listApiKeys, revokeApiKey } = await import("../../db/queries/identity.ts");
    const owner = await makeUser(h.db, "requester");
    const key = await createApiKey(h.db, { userId: owner.id, name: "temp" });
    const { loader } = await api.list();
    expect((await call(loader as never, apiRequest("/api/v1/projects", key))).status).toBe(200);
    const [row] = await listApiKeys(h.db, owner.id);
    expect(row.prefix).toBe(key.slice(0, 10));
    await revokeApiKey(h.db, { userId: owner.id, keyId: row.id });
    expect((await call(loader as never, apiRequest("/api/v1/projects", key))).status).toBe(401);
  });
});
