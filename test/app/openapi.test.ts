// The OpenAPI document at /api/v1/openapi.json is the API's reference: valid OpenAPI, naming every route with the
// methods it serves, accepting exactly the request bodies the server's schemas accept, and describing the answers
// the routes really give.
import { readdirSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { items } from "../../db/schema/index.ts";
import { limits } from "~/utils/amount-limits.server.ts";
import {
  ChatSchema,
  depositStartSchema,
  GenerationSchema,
  JudgeSchema,
  ProjectSettingsSchema,
  RedemptionCompleteSchema,
  RedemptionStartSchema,
  ScoreSchema,
  TaskActionSchema,
  WalletChallengeSchema,
  WalletLinkSchema,
} from "~/utils/schemas.ts";
import { bearer, bootApp, request } from "../support/app.ts";
import { fundProject, makeUser } from "../support/fixtures.ts";
import { remixHandler } from "../support/remix-handler.ts";

const ID = "7d6c1a52-6a5e-4f35-8b9b-2f3c1f0d9e11";
const ADDRESS = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const SIGNATURE = "5".repeat(88);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

type Doc = { paths: Record<string, Record<string, unknown>>; components: object };

let h: DbHandle;
let remix: Awaited<ReturnType<typeof remixHandler>>;
let doc: Doc;
let ajv: Ajv2020;
let requesterKey = "";
let labelerKey = "";
let premiumKey = "";

beforeAll(async () => {
  h = await bootApp();
  remix = await remixHandler();
  doc = await (await remix.handle(request("/api/v1/openapi.json"))).json();
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, "openapi");
  requesterKey = await createApiKey(h.db, { userId: (await makeUser(h.db, "requester")).id, name: "docs" });
  labelerKey = await createApiKey(h.db, { userId: (await makeUser(h.db, "labeler")).id, name: "docs" });
  const premium = await makeUser(h.db, "labeler");
  premiumKey = await createApiKey(h.db, { userId: premium.id, name: "docs", scope: "premium" });
}, 120_000);
afterAll(async () => {
  await remix?.close();
  await h?.close();
});

/** The schema at a JSON pointer (given as its segments) into the document. */
function schemaAt(...segments: string[]): ValidateFunction {
  const pointer = segments.map((s) => encodeURIComponent(s.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");
  return ajv.compile({ $ref: `openapi#/${pointer}` });
}
const bodySchema = (method: string, docPath: string) =>
  schemaAt("paths", docPath, method, "requestBody", "content", "application/json", "schema");

/** Checks the answer against what the document says this path and method answer with that status; its body. */
async function expectDocumented(method: string, docPath: string, response: Response) {
  const body = await response.json();
  const validate = schemaAt(
    "paths",
    docPath,
    method,
    "responses",
    String(response.status),
    "content",
    "application/json",
    "schema",
  );
  expect(validate(body) ? null : { status: response.status, body, errors: validate.errors }).toBeNull();
  return body;
}

const send = (method: string, url: string, key?: string, body?: unknown) =>
  remix.handle(
    request(url, {
      method,
      headers: method === "GET" ? bearer(key ?? "", {}) : bearer(key ?? "", { "Content-Type": "application/json" }),
      body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
    }),
  );
const anonymous = (method: string, url: string) =>
  remix.handle(
    request(url, {
      method,
      headers: method === "GET" ? {} : { "Content-Type": "application/json" },
      body: method === "GET" ? undefined : "{}",
    }),
  );

/** A route file's path in the document (`{projectId}`) and a URL it serves. */
function routePaths(file: string) {
  const segments = file
    .replace(/\.tsx?$/, "")
    .replace(/\[\.\]/g, "\0")
    .split(".")
    .map((s) => s.replace(/\0/g, "."));
  const param = (s: string) => s.slice(1);
  return {
    doc: `/api/v1/${segments.map((s) => (s.startsWith("$") ? `{${param(s)}}` : s)).join("/")}`,
    url: `/api/v1/${segments.map((s) => (s.startsWith("$") ? (param(s) === "epoch" ? "2026-01-01" : ID) : s)).join("/")}`,
  };
}

describe("the OpenAPI document", () => {
  it("is served without a key and is valid OpenAPI 3.1", async () => {
    const response = await remix.handle(request("/api/v1/openapi.json"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    const result = await new Validator().validate(await response.json());
    expect(result).toEqual({ valid: true });
    expect((doc as { openapi?: string }).openapi).toBe("3.1.0");
  });

  it("documents every route under app/routes/api.v1+ with exactly the methods it serves", async () => {
    const files = readdirSync(path.resolve(import.meta.dirname, "../../app/routes/api.v1+")).filter(
      (f) => f !== "$.ts",
    );
    const documented = new Set(Object.keys(doc.paths));
    for (const file of files) {
      const paths = routePaths(file);
      expect(documented, `${file} is missing from the document`).toContain(paths.doc);
      const served: string[] = [];
      for (const method of METHODS) {
        const response = await anonymous(method, paths.url);
        const body = await response.json();
        // Routed to the file itself, not to the catch-all 404 for paths no route serves.
        expect(body.error?.message ?? "").not.toMatch(/^No API endpoint/);
        if (response.status !== 405) served.push(method.toLowerCase());
      }
      expect(Object.keys(doc.paths[paths.doc]).sort(), file).toEqual(served.sort());
      documented.delete(paths.doc);
    }
    expect([...documented], "documented paths no route file serves").toEqual([]);
  });

  it("renders a reference page listing every endpoint, with nothing fetched from elsewhere", async () => {
    const response = await remix.handle(request("/docs/api"));
    expect(response.status).toBe(200);
    const html = await response.text();
    const operations = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`));
    expect(html.match(/class="api-method /g)).toHaveLength(operations.length);
    for (const p of Object.keys(doc.paths)) expect(html).toContain(`<code>${p}</code>`);
    expect(html).toContain('href="/api/v1/openapi.json"');
    expect(html).toContain('id="schema-FormAnswers"');
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });
});

const SIGNALS = { pastes: 1, pastedChars: 40, typedChars: 2, typingMs: 900 };
const manySignals = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, SIGNALS]));

/** Bodies the server's schema accepts (true) or refuses (false): the document must say the same of each. */
const BODIES: { method: string; path: string; schema: (body: unknown) => boolean; cases: [unknown, boolean][] }[] = [
  {
    method: "post",
    path: "/api/v1/models/{modelId}/score",
    schema: accepts(ScoreSchema),
    cases: [
      [{ prompt: "p", responses: ["a", "b"] }, true],
      [{ prompt: "", responses: ["a"] }, false],
      [{ prompt: "p", responses: [] }, false],
      [{ prompt: "p", responses: Array(257).fill("r") }, false],
      [{ prompt: "p" }, false],
    ],
  },
  {
    method: "post",
    path: "/api/v1/models/{modelId}/judge",
    schema: accepts(JudgeSchema),
    cases: [
      [{ prompt: "p", a: "x", b: "y" }, true],
      [{ prompt: "p", a: "x" }, false],
    ],
  },
  {
    method: "post",
    path: "/api/v1/chat/completions",
    schema: accepts(ChatSchema),
    cases: [
      [{ model: ID, messages: [{ role: "user", content: "hi" }] }, true],
      [{ model: ID, messages: [{ role: "user", content: "hi" }], n: 8, temperature: 0.7, max_tokens: 100 }, true],
      [{ model: "gpt", messages: [{ role: "user", content: "hi" }] }, false],
      [{ model: ID, messages: [] }, false],
      [{ model: ID, messages: [{ role: "robot", content: "hi" }] }, false],
      [{ model: ID, messages: [{ role: "user", content: "hi" }], n: 9 }, false],
    ],
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/generations",
    schema: accepts(GenerationSchema),
    cases: [
      [{ n: 2 }, true],
      [{ models: ["small", "large"], n: 1, temperature: 0.5 }, true],
      [{ n: 0 }, false],
      [{ n: 1.5 }, false],
      [{ n: 2, models: [] }, false],
      [{}, false],
    ],
  },
  {
    method: "post",
    path: "/api/v1/wallet/challenge",
    schema: accepts(WalletChallengeSchema),
    cases: [
      [{ address: ADDRESS }, true],
      [{ address: "0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl" }, false],
    ],
  },
  {
    method: "post",
    path: "/api/v1/wallet",
    schema: accepts(WalletLinkSchema),
    cases: [
      [{ nonce: "12345678", signature: SIGNATURE }, true],
      [{ nonce: "1234", signature: SIGNATURE }, false],
    ],
  },
  {
    method: "post",
    path: "/api/v1/redemptions",
    schema: accepts(RedemptionStartSchema),
    cases: [
      [{ amount: "1000" }, true],
      [{ amount: "5", mode: "transfer" }, true],
      [{ amount: 1000 }, false],
      [{ amount: "1.5" }, false],
      [{ amount: "5", mode: "mint" }, false],
    ],
  },
  ...["/api/v1/redemptions/{orderId}", "/api/v1/deposits/{orderId}"].map((p) => ({
    method: "post",
    path: p,
    schema: accepts(RedemptionCompleteSchema),
    cases: [
      [{ signature: SIGNATURE }, true],
      [{ signedTransaction: "AQAB" }, true],
      [{}, false],
      [{ signature: "not base58!" }, false],
    ] as [unknown, boolean][],
  })),
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/deposits",
    schema: accepts(depositStartSchema(limits.deposit)),
    cases: [
      [{ amount: "1" }, true],
      [{ amount: "0" }, false],
      [{ amount: "-5" }, false],
    ],
  },
  {
    method: "patch",
    path: "/api/v1/projects/{projectId}",
    schema: accepts(ProjectSettingsSchema),
    cases: [
      [{ approvalDelayHours: 0 }, true],
      [{ approvalDelayHours: 720 }, true],
      [{ approvalDelayHours: -1 }, false],
      [{ approvalDelayHours: 721 }, false],
      [{ approvalDelayHours: 1.5 }, false],
      [{ approvalDelayHours: "72" }, false],
      [{ approvalDelayHours: 24, title: "renamed" }, false],
      [{}, false],
    ],
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/tasks",
    // As the route reads it: a body without an intent leases, one with an intent is an action.
    schema: (body) =>
      !(body && typeof body === "object" && "intent" in body) || TaskActionSchema.safeParse(body).success,
    cases: [
      [{}, true],
      [{ intent: "answer", assignmentId: 3, choice: "left", strength: 2 }, true],
      [{ intent: "answer", assignmentId: 3, answers: { rank: ["B", ["A", "C"]], helpful: { A: 4, B: 2 } } }, true],
      [{ intent: "answer", assignmentId: 3, answers: { better: { choice: "tie" }, note: "same" } }, true],
      [{ intent: "skip", assignmentId: 3 }, true],
      [{ intent: "flag", assignmentId: 3, reason: "harmful" }, true],
      [{ intent: "flag", assignmentId: 3, reason: "boring" }, false],
      [{ intent: "answer" }, false],
      [{ intent: "answer", assignmentId: 0, choice: "left" }, false],
      [{ intent: "answer", assignmentId: 3, answers: "not json" }, false],
      [{ intent: "dance", assignmentId: 3 }, false],
      [{ intent: "answer", assignmentId: 3, answers: { note: "hi" }, inputSignals: { note: SIGNALS } }, true],
      [
        { intent: "answer", assignmentId: 3, choice: "left", inputSignals: { rationale: { ...SIGNALS, pastes: -1 } } },
        false,
      ],
      [
        { intent: "answer", assignmentId: 3, choice: "left", inputSignals: { rationale: { ...SIGNALS, keys: "ab" } } },
        false,
      ],
      [{ intent: "answer", assignmentId: 3, choice: "left", inputSignals: { rationale: { pastes: 1 } } }, false],
      [{ intent: "answer", assignmentId: 3, choice: "left", inputSignals: manySignals(21) }, false],
      [{ intent: "answer", assignmentId: 3, choice: "left", inputSignals: manySignals(20) }, true],
    ],
  },
];

function accepts(schema: z.ZodTypeAny) {
  return (body: unknown) => schema.safeParse(body).success;
}

describe("request bodies", () => {
  it.each(BODIES)("$path: the document accepts what the server accepts", ({ method, path: p, schema, cases }) => {
    const validate = bodySchema(method, p);
    for (const [body, ok] of cases) {
      expect(schema(body), `server on ${JSON.stringify(body)}`).toBe(ok);
      expect(validate(body), `document on ${JSON.stringify(body)}`).toBe(ok);
    }
  });

  it("POST /api/v1/projects: the document accepts what the API accepts (JSON amounts, lists, questions)", async () => {
    const base = { title: "Helpfulness", rewardPerLabel: "1000", budget: "1000000" };
    const cases: [unknown, boolean][] = [
      [{ ...base, taskType: "pairwise" }, true],
      [{ ...base, taskType: "pairwise", rewardPerLabel: 1000, budget: 1000000, leaseSeconds: 90 }, true],
      [{ ...base, taskType: "label", categories: ["good", "bad"] }, true],
      [{ ...base, questions: [{ name: "better", type: "preference", title: "Which reply is better?" }] }, true],
      [
        { ...base, taskType: "form", questions: [{ name: "stars", type: "rating", title: "Stars", min: 1, max: 5 }] },
        true,
      ],
      [base, false],
      [{ ...base, taskType: "pairwise", title: "ab" }, false],
      [{ ...base, taskType: "vote" }, false],
      [{ ...base, taskType: "pairwise", rewardPerLabel: "-1" }, false],
      [{ ...base, taskType: "pairwise", rewardPerLabel: 1.5 }, false],
      [{ title: "No budget", taskType: "pairwise", rewardPerLabel: "1" }, false],
      [{ ...base, questions: [{ name: "Bad Name", type: "preference", title: "?" }] }, false],
      [{ ...base, questions: [] }, false],
      [{ ...base, taskType: "pairwise", approvalDelayHours: 0 }, true],
      [{ ...base, taskType: "pairwise", approvalDelayHours: 720 }, true],
      [{ ...base, taskType: "pairwise", approvalDelayHours: -1 }, false],
      [{ ...base, taskType: "pairwise", approvalDelayHours: 721 }, false],
    ];
    const validate = bodySchema("post", "/api/v1/projects");
    for (const [body, ok] of cases) {
      const response = await send("POST", "/api/v1/projects", requesterKey, body);
      expect(response.status, `server on ${JSON.stringify(body)}`).toBe(ok ? 201 : 400);
      await expectDocumented("post", "/api/v1/projects", response);
      expect(validate(body), `document on ${JSON.stringify(body)}`).toBe(ok);
    }
  });
});

describe("answers", () => {
  it("a form project's life through the API answers as documented", async () => {
    const created = await send("POST", "/api/v1/projects", requesterKey, {
      title: "Rank and rate",
      labelsPerItem: 1,
      rewardPerLabel: 100,
      budget: 100000,
      questions: [
        { name: "rank", type: "ranking", title: "Order the replies, best first" },
        { name: "helpful", type: "rating", title: "Helpfulness", min: 0, max: 4, per: "response" },
      ],
    });
    const { project } = await expectDocumented("post", "/api/v1/projects", created);
    await fundProject(h.db, project.id, 100000n);
    await h.db.insert(items).values({
      projectId: project.id,
      externalId: "one",
      labelsWanted: 1,
      content: { kind: "form", prompt: "Say hi", responses: [{ text: "hi" }, { text: "hello" }, { text: "yo" }] },
    });

    await expectDocumented("get", "/api/v1/projects", await send("GET", "/api/v1/projects", requesterKey));
    await expectDocumented(
      "get",
      "/api/v1/projects/{projectId}",
      await send("GET", `/api/v1/projects/${project.id}`, requesterKey),
    );

    const changed = await expectDocumented(
      "patch",
      "/api/v1/projects/{projectId}",
      await send("PATCH", `/api/v1/projects/${project.id}`, requesterKey, { approvalDelayHours: 48 }),
    );
    expect(changed.project.approvalDelayHours).toBe(48);
    const badDelay = await send("PATCH", `/api/v1/projects/${project.id}`, requesterKey, { approvalDelayHours: -1 });
    expect(badDelay.status).toBe(400);
    await expectDocumented("patch", "/api/v1/projects/{projectId}", badDelay);

    const tasks = `/api/v1/projects/${project.id}/tasks`;
    const leased = await expectDocumented(
      "post",
      "/api/v1/projects/{projectId}/tasks",
      await send("POST", tasks, labelerKey, {}),
    );
    expect(leased.task.responses.map((r: { slot: string }) => r.slot)).toEqual(["A", "B", "C"]);
    const answered = await expectDocumented(
      "post",
      "/api/v1/projects/{projectId}/tasks",
      await send("POST", tasks, labelerKey, {
        intent: "answer",
        assignmentId: leased.task.assignmentId,
        answers: { rank: ["B", ["A", "C"]], helpful: { A: 1, B: 4, C: 1 } },
      }),
    );
    expect(answered).toEqual({ accepted: true, task: null });
    const refused = await send("POST", tasks, labelerKey, { intent: "answer", assignmentId: 0 });
    expect(refused.status).toBe(400);
    await expectDocumented("post", "/api/v1/projects/{projectId}/tasks", refused);

    const progress = await expectDocumented(
      "get",
      "/api/v1/projects/{projectId}/progress",
      await send("GET", `/api/v1/projects/${project.id}/progress`, requesterKey),
    );
    expect(progress).toEqual({
      progress: { items: 1, done: 1, awaitingResponses: 0, inProgress: 0, open: 0, answers: 1, skipped: 0, flagged: 0 },
    });
  });

  it("wallet, credits and the premium endpoints answer as documented, premium errors with credits", async () => {
    await expectDocumented("get", "/api/v1/wallet", await send("GET", "/api/v1/wallet", labelerKey));
    await expectDocumented("get", "/api/v1/credits", await send("GET", "/api/v1/credits", labelerKey));
    const models = await expectDocumented("get", "/api/v1/models", await send("GET", "/api/v1/models", premiumKey));
    expect(models.credits).toEqual({ spent: "0", balance: "0" });
    const missing = await send("POST", `/api/v1/models/${ID}/judge`, premiumKey, { prompt: "p", a: "x", b: "y" });
    expect(missing.status).toBe(404);
    expect((await expectDocumented("post", "/api/v1/models/{modelId}/judge", missing)).credits).toEqual({
      spent: "0",
      balance: "0",
    });
    const wrongKey = await send("POST", `/api/v1/models/${ID}/judge`, labelerKey, { prompt: "p", a: "x", b: "y" });
    expect(wrongKey.status).toBe(401);
    expect(await expectDocumented("post", "/api/v1/models/{modelId}/judge", wrongKey)).not.toHaveProperty("credits");
  });

  it("any other path under /api/v1 is a documented JSON error", async () => {
    const response = await send("GET", "/api/v1/nothing/here", requesterKey);
    expect(response.status).toBe(404);
    const body = await response.json();
    const validate = schemaAt("components", "schemas", "Error");
    expect(validate(body)).toBe(true);
    expect(body.error.code).toBe("not_found");
  });
});
