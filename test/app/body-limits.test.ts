import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { apiRequest, bearer, bootApp, call, csrfPair, request } from "../support/app.ts";
import { makeUser } from "../support/fixtures.ts";
import { postChunked, serve } from "../support/http-server.ts";
import { heapProbe, lazyChunks, lazyWebStream } from "../support/streams.ts";

const MiB = 1024 * 1024;
let h: DbHandle;
let key = "";

beforeAll(async () => {
  h = await bootApp();
  key = await createApiKey(h.db, { userId: (await makeUser(h.db, "requester")).id, name: "bodies" });
});
afterAll(() => h.close());

const projectBody = { title: "Bodies", taskType: "pairwise", rewardPerLabel: "10", budget: "1000" };
/** 64 MiB of JSON (an object with one huge string), made lazily, without a Content-Length. */
const hugeJson = (onChunk?: () => void) =>
  lazyWebStream({ head: '{"title":"', fillBytes: 64 * MiB, tail: '"}' }, onChunk);

const createProject = async () => (await import("~/routes/api.v1+/projects.ts")).action;

describe("JSON bodies are limited while they are read (MAX_JSON_BODY_BYTES, 1 MiB by default)", () => {
  it("an over-limit chunked body is refused 413 after reading about the limit, not the whole body", async () => {
    const probe = heapProbe();
    let chunks = 0;
    const { body, state } = hugeJson(() => chunks++ % 16 === 0 && probe.sample());
    const res = await call(
      (await createProject()) as never,
      request("/api/v1/projects", {
        method: "POST",
        headers: bearer(key, { "Content-Type": "application/json" }),
        body,
      }),
    );
    probe.sample();
    expect(state.pulled).toBeLessThan(2 * MiB);
    expect(probe.peak).toBeLessThan(8 * MiB);
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ code: "body_too_large" });
  });

  it("a Content-Length over the limit is refused before reading anything", async () => {
    const { body, state } = hugeJson();
    const res = await call(
      (await createProject()) as never,
      request("/api/v1/projects", {
        method: "POST",
        headers: bearer(key, { "Content-Type": "application/json", "Content-Length": String(64 * MiB) }),
        body,
      }),
    );
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("body_too_large");
    expect(state.pulled).toBe(0);
  });

  it("a normal body still works, and bad JSON is still a 400", async () => {
    const action = await createProject();
    const ok = await call(action as never, apiRequest("/api/v1/projects", key, projectBody));
    expect(ok.status).toBe(201);
    const bad = await call(
      action as never,
      request("/api/v1/projects", {
        method: "POST",
        headers: bearer(key, { "Content-Type": "application/json" }),
        body: "{oops",
      }),
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe("invalid_json");
  });

  it("over HTTP the client gets the 413 JSON (no reset) while it is still sending", async () => {
    const action = await createProject();
    const server = await serve((req) => call(action as never, req));
    try {
      const { chunks } = lazyChunks({ head: '{"title":"', fillBytes: 16 * MiB, tail: '"}' });
      const res = await postChunked(`${server.url}/api/v1/projects`, chunks(), {
        ...bearer(key),
        "Content-Type": "application/json",
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).error.code).toBe("body_too_large");
      // The connection stays usable for the next request.
      const next = await fetch(`${server.url}/api/v1/projects`, {
        method: "POST",
        headers: { ...bearer(key), "Content-Type": "application/json" },
        body: JSON.stringify(projectBody),
      });
      expect(next.status).toBe(201);
    } finally {
      await server.settled();
      await server.close();
    }
  });
});

describe("form bodies are limited the same way", () => {
  it("an over-limit sign-in form is refused 413 without reading it all", async () => {
    const { action } = await import("~/routes/_auth+/login.tsx");
    const { token, cookie } = await csrfPair();
    const { body, state } = lazyWebStream({
      head: `csrf=${encodeURIComponent(token)}&email=a%40b.test&password=`,
      fillBytes: 64 * MiB,
    });
    const res = await call(
      action as never,
      request("/login", {
        method: "POST",
        cookie,
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body,
      }),
    );
    expect(res.status).toBe(413);
    expect(state.pulled).toBeLessThan(2 * MiB);
  });
});
