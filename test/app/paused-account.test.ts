import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey, setUserPaused } from "../../db/queries/identity.ts";
import { apiRequest, bootApp, call, csrfPair, formData, request, sessionCookie } from "../support/app.ts";

let h: DbHandle;
let userId = "";
let premiumKey = "";
const email = `paused-${Date.now()}@example.test`;
const password = "a long enough password";
const REASON = "Several accounts on one device.";

beforeAll(async () => {
  h = await bootApp();
  const { signUp } = await import("~/utils/auth.server.ts");
  const user = await signUp({ name: "Paused Labeler", email, password, role: "labeler" });
  userId = user!.id;
  premiumKey = await createApiKey(h.db, { userId, name: "p", scope: "premium" });
  await setUserPaused(h.db, { userId, reason: REASON });
});
afterAll(() => h.close());

describe("a paused account", () => {
  it("still signs in and sees its wallet, earnings and quality pages", async () => {
    const { action } = await import("~/routes/_auth+/login.tsx");
    const { token, cookie } = await csrfPair();
    const body = formData({ email, password, csrf: token });
    const signedIn = await call(action as never, request("/login", { method: "POST", cookie, body }));
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("Location")).toBe("/work");

    const session = await sessionCookie(userId);
    for (const [path, route] of [
      ["/wallet", "~/routes/_account+/wallet.tsx"],
      ["/work/quality", "~/routes/work+/quality.tsx"],
      ["/work", "~/routes/work+/_index.tsx"],
    ] as const) {
      const { loader } = await import(/* @vite-ignore */ route);
      expect((await call(loader, request(path, { cookie: session }))).status, path).toBe(200);
    }
  });

  it("gets 403 account_paused, with the reason, from every premium endpoint", async () => {
    const calls: [string, string, object | undefined][] = [
      ["~/routes/api.v1+/models.ts", "/api/v1/models", undefined],
      ["~/routes/api.v1+/models.$modelId.judge.ts", "/api/v1/models/x/judge", { prompt: "p", a: "a", b: "b" }],
      ["~/routes/api.v1+/models.$modelId.score.ts", "/api/v1/models/x/score", { prompt: "p", responses: ["r"] }],
      ["~/routes/api.v1+/models.$modelId.rank.ts", "/api/v1/models/x/rank", { prompt: "p", responses: ["r"] }],
      ["~/routes/api.v1+/chat.completions.ts", "/api/v1/chat/completions", { model: "x", messages: [] }],
    ];
    for (const [route, path, body] of calls) {
      const mod = await import(/* @vite-ignore */ route);
      const response = await call(body ? mod.action : mod.loader, apiRequest(path, premiumKey, body), {
        modelId: "x",
      });
      expect(response.status, path).toBe(403);
      const json = await response.json();
      expect(json.error.code, path).toBe("account_paused");
      expect(json.error.message, path).toContain(REASON);
    }
    // The Playground's own calls (the session, no key) are refused alike, and the page says why.
    const session = await sessionCookie(userId);
    const { action } = await import("~/routes/api.v1+/models.$modelId.judge.ts");
    const viaSession = request("/api/v1/models/x/judge", {
      method: "POST",
      cookie: session,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ prompt: "p", a: "a", b: "b" }),
    });
    expect((await call(action as never, viaSession, { modelId: "x" })).status).toBe(403);
    const { loader } = await import("~/routes/_account+/playground.tsx");
    const page = await call(loader as never, request("/playground", { cookie: session }));
    expect(page.status).toBe(200);
    expect((await page.json()).paused).toBe(REASON);
  });

  it("gets premium calls back once unpaused", async () => {
    await setUserPaused(h.db, { userId, reason: null });
    const { loader } = await import("~/routes/api.v1+/models.ts");
    expect((await call(loader as never, apiRequest("/api/v1/models", premiumKey))).status).toBe(200);
    await setUserPaused(h.db, { userId, reason: REASON });
  });
});
