// Bad input gets a 4xx with a reason, never a 500: each case below once reached PostgreSQL (NUL, lone surrogates,
// a non-UUID id, an amount past bigint) or threw in the HTTP glue (an undecodable X-Filename), and answered 500.
import { Keypair } from "@solana/web3.js";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey, listApiKeys } from "../../db/queries/identity.ts";
import { linkWallet } from "../../db/queries/wallets.ts";
import { items, redemptionOrders, rewardModels, uploads } from "../../db/schema/index.ts";
import { apiRequest, bearer, bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;
let owner: { id: string };
let projectId = "";
let keys: { owner: string; labeler: string; premium: string };
let ownerCookie = "";

beforeAll(async () => {
  h = await bootApp();
  owner = await makeUser(h.db, "requester", "owner");
  const labeler = await makeUser(h.db, "labeler");
  const project = await makeProject(h.db, owner.id);
  await uploadPairs(h.db, project, 2);
  projectId = project.id;
  keys = {
    owner: await createApiKey(h.db, { userId: owner.id, name: "k" }),
    labeler: await createApiKey(h.db, { userId: labeler.id, name: "k" }),
    premium: await createApiKey(h.db, { userId: owner.id, name: "p", scope: "premium" }),
  };
  await linkWallet(h.db, { userId: labeler.id, address: Keypair.generate().publicKey.toBase58() });
  ownerCookie = await sessionCookie(owner.id);
});
afterAll(() => h.close());

const route = {
  items: () => import("~/routes/api.v1+/projects.$projectId.items.ts"),
  project: () => import("~/routes/api.v1+/projects.$projectId.ts"),
  progress: () => import("~/routes/api.v1+/projects.$projectId.progress.ts"),
  exportApi: () => import("~/routes/api.v1+/projects.$projectId.export.ts"),
  models: () => import("~/routes/api.v1+/projects.$projectId.models.ts"),
  tasks: () => import("~/routes/api.v1+/projects.$projectId.tasks.ts"),
  close: () => import("~/routes/api.v1+/projects.$projectId.close.ts"),
  deposits: () => import("~/routes/api.v1+/projects.$projectId.deposits.ts"),
  gold: () => import("~/routes/api.v1+/projects.$projectId.gold.ts"),
  score: () => import("~/routes/api.v1+/models.$modelId.score.ts"),
  redemptions: () => import("~/routes/api.v1+/redemptions.ts"),
  redemption: () => import("~/routes/api.v1+/redemptions.$orderId.ts"),
  deposit: () => import("~/routes/api.v1+/deposits.$orderId.ts"),
};

async function counts() {
  const [i] = await h.db.select({ n: count() }).from(items).where(eq(items.projectId, projectId));
  const [u] = await h.db.select({ n: count() }).from(uploads).where(eq(uploads.projectId, projectId));
  const [o] = await h.db.select({ n: count() }).from(redemptionOrders);
  const [m] = await h.db.select({ n: count() }).from(rewardModels);
  return { items: i.n, uploads: u.n, orders: o.n, models: m.n };
}

const upload = (body: string | Buffer, filename = "f.jsonl", headers: Record<string, string> = {}) =>
  request(`/api/v1/projects/${projectId}/items${filename ? `?filename=${filename}` : ""}`, {
    method: "POST",
    headers: bearer(keys.owner, headers),
    body: typeof body === "string" ? body : new Uint8Array(body),
  });

const pair = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ prompt: "p", response_a: "a", response_b: "b", ...extra });
const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
// Strings holding the JSON escapes as text: \u0000 and lone surrogates are valid JSON but not storable text.
const NUL = "\\u0000";

type Case = {
  name: string;
  route: keyof typeof route;
  method?: "loader" | "action";
  req: () => Request;
  params?: () => Record<string, string>;
  status: number;
  code: string;
  /** A line problem the dataset error must list. */
  problem?: { line: number; column?: number; message: RegExp };
};

const BAD_IDS = ["not-a-uuid", "------------------------------------", "00000000-0000-0000-0000-00000000000g"];

const cases: Case[] = [
  {
    name: "JSONL: \\u0000 in a string",
    route: "items",
    req: () => upload(`${pair({ id: "ok" })}\n{"prompt":"p${NUL}","response_a":"a","response_b":"b"}`),
    status: 422,
    code: "invalid_dataset",
    problem: { line: 2, column: 13, message: /NUL/ },
  },
  {
    name: "JSONL: \\u0000 in a metadata key",
    route: "items",
    req: () => upload(`{"prompt":"p","response_a":"a","response_b":"b","metadata":{"k${NUL}":1}}`),
    status: 422,
    code: "invalid_dataset",
    problem: { line: 1, column: 63, message: /NUL/ },
  },
  {
    name: "JSONL: a lone high surrogate",
    route: "items",
    req: () => upload(`{"prompt":"p\\ud800","response_a":"a","response_b":"b"}`),
    status: 422,
    code: "invalid_dataset",
    problem: { line: 1, column: 13, message: /surrogate/ },
  },
  {
    name: "JSONL: a lone low surrogate in a key",
    route: "items",
    req: () => upload(`{"prompt":"p","response_a":"a","response_b":"b","metadata":{"\\udc00x":1}}`),
    status: 422,
    code: "invalid_dataset",
    problem: { line: 1, column: 62, message: /surrogate/ },
  },
  {
    name: "CSV: a raw NUL byte in a cell",
    route: "items",
    req: () => upload(Buffer.from("prompt,response_a,response_b\np,a\u0000,b\n"), "f.csv"),
    status: 422,
    code: "invalid_dataset",
    problem: { line: 2, column: 2, message: /NUL/ },
  },
  {
    name: "CSV: \\u0000 inside the metadata JSON",
    route: "items",
    req: () => upload(`prompt,response_a,response_b,metadata\np,a,b,"{""k"":""x${NUL}""}"\n`, "f.csv"),
    status: 422,
    code: "invalid_dataset",
    problem: { line: 2, column: 4, message: /NUL/ },
  },
  {
    name: "metadata nested 5,000 deep",
    route: "items",
    req: () => upload(`{"prompt":"p","response_a":"a","response_b":"b","metadata":{"x":${deep(5_000)}}}`),
    status: 422,
    code: "invalid_dataset",
    problem: { line: 1, message: /nested deeper than 32/ },
  },
  {
    name: "an undecodable X-Filename",
    route: "items",
    req: () => upload(pair(), "", { "X-Filename": "%E0%A4%A.jsonl", "Content-Type": "application/x-ndjson" }),
    status: 400,
    code: "bad_filename",
  },
  {
    name: "a non-UUID publish",
    route: "models",
    req: () => apiRequest(`/api/v1/projects/${projectId}/models`, keys.owner, { publish: "not-a-uuid" }),
    status: 404,
    code: "not_found",
  },
  {
    name: "a publish that is not a string",
    route: "models",
    req: () => apiRequest(`/api/v1/projects/${projectId}/models`, keys.owner, { publish: 42 }),
    status: 400,
    code: "invalid_input",
  },
  {
    name: "a redemption amount above the bigint range",
    route: "redemptions",
    req: () => apiRequest("/api/v1/redemptions", keys.labeler, { amount: "9999999999999990000", mode: "burn" }),
    status: 400,
    code: "invalid_input",
  },
  ...BAD_IDS.flatMap((bad): Case[] => {
    const p = () => ({ projectId: bad });
    type Who = keyof typeof keys;
    const get =
      (path: string, who: Who = "owner") =>
      () =>
        apiRequest(path, keys[who]);
    const post =
      (path: string, who: Who = "owner", body: object = {}) =>
      () =>
        apiRequest(path, keys[who], body);
    const list: Omit<Case, "status" | "code">[] = [
      { name: `project ${bad}`, route: "project", req: get(`/api/v1/projects/${bad}`), params: p },
      { name: `progress ${bad}`, route: "progress", req: get(`/api/v1/projects/${bad}/progress`), params: p },
      { name: `export ${bad}`, route: "exportApi", req: get(`/api/v1/projects/${bad}/export`), params: p },
      { name: `models ${bad}`, route: "models", req: get(`/api/v1/projects/${bad}/models`), params: p },
      {
        name: `items ${bad}`,
        route: "items",
        method: "action",
        req: () =>
          request(`/api/v1/projects/${bad}/items?filename=f.jsonl`, {
            method: "POST",
            headers: bearer(keys.owner),
            body: pair(),
          }),
        params: p,
      },
      {
        name: `tasks ${bad}`,
        route: "tasks",
        req: post(`/api/v1/projects/${bad}/tasks`, "labeler"),
        params: p,
      },
      { name: `close ${bad}`, route: "close", req: post(`/api/v1/projects/${bad}/close`), params: p },
      {
        name: `deposits ${bad}`,
        route: "deposits",
        req: post(`/api/v1/projects/${bad}/deposits`, "owner", { amount: "1" }),
        params: p,
      },
      { name: `gold ${bad}`, route: "gold", req: get(`/api/v1/projects/${bad}/gold`), params: p },
      {
        name: `model ${bad}`,
        route: "score",
        req: post(`/api/v1/models/${bad}/score`, "premium", { prompt: "p", responses: ["a"] }),
        params: () => ({ modelId: bad }),
      },
      {
        name: `redemption order ${bad}`,
        route: "redemption",
        req: post(`/api/v1/redemptions/${bad}`, "labeler", { signature: "1111111111111111111111111111111111" }),
        params: () => ({ orderId: bad }),
      },
      {
        name: `deposit order ${bad}`,
        route: "deposit",
        req: post(`/api/v1/deposits/${bad}`, "owner", { signature: "1111111111111111111111111111111111" }),
        params: () => ({ orderId: bad }),
      },
    ];
    return list.map((c) => ({ ...c, status: 404, code: "not_found" }));
  }),
];

describe("bad input gets a 4xx JSON error with a reason, and nothing is stored", () => {
  it.each(cases)("$name → $status $code", async (c) => {
    const before = await counts();
    const req = c.req();
    const module = (await route[c.route]()) as unknown as { loader?: never; action?: never };
    const fn = (c.method ?? (req.method === "GET" ? "loader" : "action")) === "loader" ? module.loader : module.action;
    const response = await call(fn, req, c.params?.() ?? { projectId });
    const body = await response.json();
    expect({ status: response.status, code: body?.error?.code }, JSON.stringify(body)).toEqual({
      status: c.status,
      code: c.code,
    });
    expect(typeof body.error.message).toBe("string");
    expect(body.error.message.length).toBeGreaterThan(0);
    if (c.problem) {
      const { message, ...where } = c.problem;
      const problem = expect.objectContaining({ ...where, message: expect.stringMatching(message) });
      expect(body.error.details).toEqual(expect.arrayContaining([problem]));
    }
    expect(await counts()).toEqual(before);
  });
});

describe("bad ids on pages", () => {
  it("a non-UUID project id on the dashboard is a 404, not a database error", async () => {
    const { loader } = await import("~/routes/projects+/$projectId._index.tsx");
    for (const bad of BAD_IDS) {
      const response = await call(loader as never, request(`/projects/${bad}`, { cookie: ownerCookie }), {
        projectId: bad,
      });
      expect(response.status).toBe(404);
    }
  });

  it("revoking an API key with a non-UUID keyId is a 404 with a reason, and no key is revoked", async () => {
    const { action } = await import("~/routes/_account+/settings.api-keys.tsx");
    for (const bad of BAD_IDS) {
      const post = await csrfFormPost("/settings/api-keys", ownerCookie, { intent: "revoke", keyId: bad });
      const response = await call(action as never, post);
      expect(response.status).toBe(404);
      const body = await response.json();
      expect(body.error).toEqual({ code: "not_found", message: expect.stringMatching(/key/) });
    }
    expect((await listApiKeys(h.db, owner.id)).every((k) => k.revokedAt === null)).toBe(true);
  });
});
