// Every path under /api/v1 answers JSON: unknown paths a 404, a method a route does not serve a 405 naming the ones
// it does (Remix alone answers the first with the HTML not-found page, the second with `{"message"}`).
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { bootApp, request } from "../support/app.ts";
import { remixHandler } from "../support/remix-handler.ts";

const ID = "7d6c1a52-6a5e-4f35-8b9b-2f3c1f0d9e11";

/** Each API route file, a path it serves and the methods it accepts. */
const ROUTES: Record<string, { path: string; allow: string[] }> = {
  "appeals.ts": { path: "/api/v1/appeals", allow: ["GET", "HEAD", "POST"] },
  "chat.completions.ts": { path: "/api/v1/chat/completions", allow: ["POST"] },
  "credits.ts": { path: "/api/v1/credits", allow: ["GET", "HEAD"] },
  "deposits.$orderId.ts": { path: `/api/v1/deposits/${ID}`, allow: ["POST"] },
  "models.$modelId.judge.ts": { path: `/api/v1/models/${ID}/judge`, allow: ["POST"] },
  "models.$modelId.rank.ts": { path: `/api/v1/models/${ID}/rank`, allow: ["POST"] },
  "models.$modelId.score.ts": { path: `/api/v1/models/${ID}/score`, allow: ["POST"] },
  "models.ts": { path: "/api/v1/models", allow: ["GET", "HEAD"] },
  "openapi[.]json.ts": { path: "/api/v1/openapi.json", allow: ["GET", "HEAD"] },
  "payouts.$epoch.proof.ts": { path: "/api/v1/payouts/2026-01-01/proof", allow: ["GET", "HEAD"] },
  "projects.$projectId.appeals.$labelId.ts": { path: `/api/v1/projects/${ID}/appeals/12`, allow: ["POST"] },
  "projects.$projectId.appeals.ts": { path: `/api/v1/projects/${ID}/appeals`, allow: ["GET", "HEAD"] },
  "projects.$projectId.bonuses.ts": { path: `/api/v1/projects/${ID}/bonuses`, allow: ["GET", "HEAD", "POST"] },
  "projects.$projectId.audit-log.ts": { path: `/api/v1/projects/${ID}/audit-log`, allow: ["GET", "HEAD"] },
  "projects.$projectId.close.ts": { path: `/api/v1/projects/${ID}/close`, allow: ["POST"] },
  "projects.$projectId.deposits.ts": { path: `/api/v1/projects/${ID}/deposits`, allow: ["POST"] },
  "projects.$projectId.export.ts": { path: `/api/v1/projects/${ID}/export`, allow: ["GET", "HEAD"] },
  "projects.$projectId.generations.ts": { path: `/api/v1/projects/${ID}/generations`, allow: ["GET", "HEAD", "POST"] },
  "projects.$projectId.gold.ts": { path: `/api/v1/projects/${ID}/gold`, allow: ["GET", "HEAD"] },
  "projects.$projectId.items.ts": { path: `/api/v1/projects/${ID}/items`, allow: ["POST", "PUT"] },
  "projects.$projectId.models.ts": { path: `/api/v1/projects/${ID}/models`, allow: ["GET", "HEAD", "POST"] },
  "projects.$projectId.progress.ts": { path: `/api/v1/projects/${ID}/progress`, allow: ["GET", "HEAD"] },
  "projects.$projectId.qualifications.ts": {
    path: `/api/v1/projects/${ID}/qualifications`,
    allow: ["GET", "HEAD", "PUT"],
  },
  "projects.$projectId.reviews.ts": { path: `/api/v1/projects/${ID}/reviews`, allow: ["GET", "HEAD", "POST"] },
  "projects.$projectId.tasks.ts": { path: `/api/v1/projects/${ID}/tasks`, allow: ["POST"] },
  "projects.$projectId.ts": { path: `/api/v1/projects/${ID}`, allow: ["GET", "HEAD", "PATCH"] },
  "projects.ts": { path: "/api/v1/projects", allow: ["GET", "HEAD", "POST"] },
  "qualification-tests.$testId.attempts.$attemptId.ts": {
    path: `/api/v1/qualification-tests/${ID}/attempts/12`,
    allow: ["POST"],
  },
  "qualification-tests.$testId.attempts.ts": { path: `/api/v1/qualification-tests/${ID}/attempts`, allow: ["POST"] },
  "qualification-tests.$testId.items.ts": { path: `/api/v1/qualification-tests/${ID}/items`, allow: ["POST"] },
  "qualification-tests.ts": { path: "/api/v1/qualification-tests", allow: ["GET", "HEAD", "POST"] },
  "redemptions.$orderId.ts": { path: `/api/v1/redemptions/${ID}`, allow: ["POST"] },
  "redemptions.ts": { path: "/api/v1/redemptions", allow: ["POST"] },
  "wallet.challenge.ts": { path: "/api/v1/wallet/challenge", allow: ["POST"] },
  "wallet.ts": { path: "/api/v1/wallet", allow: ["GET", "HEAD", "POST"] },
};
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

let h: DbHandle;
let remix: Awaited<ReturnType<typeof remixHandler>>;

beforeAll(async () => {
  h = await bootApp();
  remix = await remixHandler();
}, 120_000);
afterAll(async () => {
  await remix?.close();
  await h?.close();
});

const send = (method: string, url: string) =>
  remix.handle(
    request(url, {
      method,
      headers: method === "GET" ? {} : { "Content-Type": "application/json" },
      body: method === "GET" ? undefined : "{}",
    }),
  );

describe("the API's route table", () => {
  it("lists every route file in app/routes/api.v1+ (add new routes here)", () => {
    const dir = path.resolve(import.meta.dirname, "../../app/routes/api.v1+");
    const files = readdirSync(dir).filter((f) => f !== "$.ts");
    expect(files.sort()).toEqual(Object.keys(ROUTES).sort());
  });
});

const wrongMethods = Object.entries(ROUTES).flatMap(([file, { path: url, allow }]) =>
  METHODS.filter((m) => !allow.includes(m)).map((method) => ({ file, url, method, allow })),
);

describe("a method a route does not serve is a 405 JSON error", () => {
  it.each(wrongMethods)("$method $url", async ({ method, url, allow }) => {
    const response = await send(method, url);
    expect(response.status).toBe(405);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: { code: "method_not_allowed", message: expect.stringContaining(allow.join(" or ")) },
    });
    expect(response.headers.get("Allow")).toBe(allow.join(", "));
  });
});

const unknown = ["/api/v1", "/api/v1/", "/api/v1/nope", "/api/v1/projects/x/y/z", `/api/v1/models/${ID}/explain`];

describe("an unknown API path is a 404 JSON error, whatever the method", () => {
  it.each(unknown.flatMap((url) => ["GET", "POST", "DELETE"].map((method) => ({ method, url }))))(
    "$method $url",
    async ({ method, url }) => {
      const response = await send(method, url);
      expect(response.status).toBe(404);
      expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({
        error: { code: "not_found", message: expect.stringContaining("No API endpoint") },
      });
    },
  );

  it("leaves the routes that exist alone", async () => {
    const response = await send("GET", "/api/v1/projects");
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe("unauthorized");
  });
});
