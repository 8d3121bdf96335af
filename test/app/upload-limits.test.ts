import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import type { Project } from "../../db/queries/projects.ts";
import { items } from "../../db/schema/index.ts";
import { bearer, bootApp, call, csrfPair, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser, pairLines } from "../support/fixtures.ts";
import { postChunked, serve } from "../support/http-server.ts";

// Small limits, so the tests stay small: read by config/env.ts when the app's modules are first imported.
vi.hoisted(() => {
  process.env.MAX_UPLOAD_BYTES = String(1024 * 1024);
  process.env.MAX_UPLOADS_PER_USER = "1";
  process.env.MAX_UPLOADS_TOTAL = "2";
  process.env.MAX_LINE_CHARS = String(64 * 1024);
});

let h: DbHandle;
const users: { id: string; key: string; project: Project }[] = [];

beforeAll(async () => {
  h = await bootApp();
  for (let i = 0; i < 4; i++) {
    const user = await makeUser(h.db, "requester");
    const key = await createApiKey(h.db, { userId: user.id, name: "uploads" });
    users.push({ id: user.id, key, project: await makeProject(h.db, user.id) });
  }
});
afterAll(() => h.close());

async function itemCount(project: Project) {
  const [row] = await h.db.select({ n: count() }).from(items).where(eq(items.projectId, project.id));
  return row.n;
}

/** 8 MiB of distinct, valid JSONL pairs in 64 KiB chunks: over the 1 MiB limit only by size. */
function* manyPairs(total = 8 * 1024 * 1024) {
  let n = 0;
  for (let sent = 0; sent < total;) {
    let text = "";
    while (text.length < 64 * 1024)
      text += JSON.stringify({ id: `r${n}`, prompt: `p${n}`, response_a: "a", response_b: `b${n++}` }) + "\n";
    sent += text.length;
    yield Buffer.from(text);
  }
}

const apiUpload = async () => (await import("~/routes/api.v1+/projects.$projectId.items.ts")).action;
const pageUpload = async () => (await import("~/routes/projects+/$projectId.upload.ts")).action;

describe("an upload over the size limit sent without a Content-Length", () => {
  it("is answered 413 JSON over HTTP, not with a reset, and stores nothing", async () => {
    const action = await apiUpload();
    const { project, key } = users[0];
    const server = await serve((req) => call(action as never, req, { projectId: project.id }));
    try {
      const res = await postChunked(
        `${server.url}/api/v1/projects/${project.id}/items?filename=big.jsonl`,
        manyPairs(),
        {
          ...bearer(key),
        },
      );
      expect(res.status, res.body).toBe(413);
      expect(JSON.parse(res.body).error).toMatchObject({ code: "too_large" });
      expect(JSON.parse(res.body).error.message).toMatch(/1048576/);
      expect(await itemCount(project)).toBe(0);
    } finally {
      await server.settled();
      await server.close();
    }
  });

  it("the page's streamed variant ends with an error event and closes cleanly", async () => {
    const action = await pageUpload();
    const { project, id } = users[1];
    const { token, cookie } = await csrfPair();
    const session = await sessionCookie(id);
    const server = await serve((req) => call(action as never, req, { projectId: project.id }));
    try {
      const res = await postChunked(`${server.url}/projects/${project.id}/upload?filename=big.jsonl`, manyPairs(), {
        Cookie: `${session}; ${cookie}`,
        "X-CSRF-Token": token,
        "Content-Type": "application/octet-stream",
      });
      expect(res.status).toBe(200);
      const events = res.body
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(events.at(-1)).toMatchObject({ phase: "error", code: "too_large" });
      expect(events.at(-1).problems[0].message).toMatch(/1048576/);
      expect(await itemCount(project)).toBe(0);
    } finally {
      await server.settled();
      await server.close();
    }
  });
});

describe("the line limit is configured by MAX_LINE_CHARS", () => {
  it("refuses a line over it with its number", async () => {
    const action = await apiUpload();
    const { project, key } = users[0];
    const long = JSON.stringify({ prompt: "x".repeat(70_000), response_a: "a", response_b: "b" });
    const res = await call(
      action as never,
      request(`/api/v1/projects/${project.id}/items?filename=f.jsonl`, {
        method: "POST",
        headers: bearer(key),
        body: `${pairLines(1)}\n${long}\n`,
      }),
      { projectId: project.id },
    );
    expect(res.status).toBe(422);
    expect((await res.json()).error.details).toEqual([{ line: 2, message: "line is longer than 65536 characters" }]);
  });
});

/** A request body the test feeds by hand: the upload stays in progress until `finish()`. */
function heldBody(text: string) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let started!: () => void;
  const reading = new Promise<void>((resolve) => (started = resolve));
  // highWaterMark 0: pull() runs only once the upload reads, i.e. after it has claimed its slot.
  const body = new ReadableStream<Uint8Array>(
    { start: (c) => void (controller = c), pull: () => started() },
    { highWaterMark: 0 },
  );
  return {
    body,
    reading,
    finish() {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  };
}

describe("concurrent uploads are capped per user and in total", () => {
  const upload = async (who: number, body: BodyInit) =>
    call(
      (await apiUpload()) as never,
      request(`/api/v1/projects/${users[who].project.id}/items?filename=f.jsonl`, {
        method: "POST",
        headers: bearer(users[who].key),
        body,
      }),
      { projectId: users[who].project.id },
    );

  it("answers 429 too_many_uploads with Retry-After, and frees the slot when an upload ends", async () => {
    const first = heldBody(pairLines(3, "first"));
    const firstDone = upload(0, first.body);
    await first.reading;

    const again = await upload(0, pairLines(2, "again"));
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await again.json()).error).toMatchObject({ code: "too_many_uploads" });

    // The page's streamed upload is refused the same way, before any stream starts.
    const { token, cookie } = await csrfPair();
    const page = await call(
      (await pageUpload()) as never,
      request(`/projects/${users[0].project.id}/upload?filename=f.jsonl`, {
        method: "POST",
        cookie: `${await sessionCookie(users[0].id)}; ${cookie}`,
        headers: { "X-CSRF-Token": token },
        body: pairLines(2, "page"),
      }),
      { projectId: users[0].project.id },
    );
    expect(page.status).toBe(429);
    expect(Number(page.headers.get("Retry-After"))).toBeGreaterThan(0);

    // Another user may upload while the first one's is running; a third concurrent upload passes the total.
    const second = heldBody(pairLines(3, "second"));
    const secondDone = upload(1, second.body);
    await second.reading;
    const third = await upload(2, pairLines(2, "third"));
    expect(third.status).toBe(429);
    expect((await third.json()).error.code).toBe("too_many_uploads");

    first.finish();
    second.finish();
    expect((await firstDone).status).toBe(201);
    expect((await secondDone).status).toBe(201);
    expect((await upload(0, pairLines(2, "later"))).status).toBe(201);
    expect((await upload(2, pairLines(2, "third"))).status).toBe(201);
  });

  it("a refused or failed upload frees its slot too", async () => {
    expect((await upload(3, '{"prompt":1}')).status).toBe(422);
    expect((await upload(3, pairLines(1, "after-failure"))).status).toBe(201);
  });
});
