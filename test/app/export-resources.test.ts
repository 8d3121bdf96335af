import http from "node:http";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { bearer, bootApp, call, request } from "../support/app.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";
import { serve } from "../support/http-server.ts";

const ROWS = 10_000; // ten pages of raw answers
const PAGES = 10;
const RATIONALE = 8_000; // about 8 MiB of JSON per page

let h: DbHandle;
let key = "";
let projectId = "";
/** Raw-export page queries so far, with how much the export's response held in memory at each. */
const pages: { buffered: number; sentToSocket: number }[] = [];
let exportResponse: express.Response | null = null;

/** The database with every raw-export page query counted (the keyset query in db/queries/exports.ts). */
function countingDb(db: Db): Db {
  const dialect = new PgDialect();
  return new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === "execute")
        return (query: SQL) => {
          if (dialect.sqlToQuery(query).sql.includes("from labels l join items i"))
            pages.push({
              buffered: exportResponse?.writableLength ?? 0,
              sentToSocket: exportResponse?.socket?.bytesWritten ?? 0,
            });
          return value.call(target, query);
        };
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

beforeAll(async () => {
  h = await bootApp();
  globalThis.__pairwiseDb = Promise.resolve({ ...h, db: countingDb(h.db) });
  const owner = await makeUser(h.db, "requester");
  const labeler = await makeUser(h.db, "labeler");
  key = await createApiKey(h.db, { userId: owner.id, name: "exports" });
  projectId = (await makeProject(h.db, owner.id)).id;
  await h.db.execute(sql`
    insert into items (project_id, external_id, content, labels_wanted)
    select ${projectId}, 'i' || g, '{"kind":"pairwise","prompt":"p","responseA":"a","responseB":"b"}'::jsonb, 3
    from generate_series(1, ${ROWS}) g`);
  await h.db.execute(sql`
    insert into assignments (item_id, project_id, labeler_id, status, expires_at, finished_at)
    select id, project_id, ${labeler.id}, 'answered', now(), now() from items where project_id = ${projectId}`);
  await h.db.execute(sql`
    insert into labels (assignment_id, item_id, project_id, labeler_id, value, rationale, time_spent_ms)
    select id, item_id, project_id, labeler_id, 'a', repeat('x', ${RATIONALE}), 1000
    from assignments where project_id = ${projectId}`);
});
afterAll(() => h.close());

async function exportServer() {
  const { loader } = await import("~/routes/api.v1+/projects.$projectId.export.ts");
  return serve((req, res) => {
    exportResponse = res;
    return call(loader as never, req, { projectId });
  });
}

const exportUrl = (base: string) => `${base}/api/v1/projects/${projectId}/export?kind=raw`;

describe("exports stop when the client goes and never run ahead of it", () => {
  it("a client that disconnects after the first chunk causes no further page queries", async () => {
    pages.length = 0;
    const server = await exportServer();
    try {
      await new Promise<void>((resolve, reject) => {
        const req = http.get(exportUrl(server.url), { headers: bearer(key) }, (res) => {
          expect(res.statusCode).toBe(200);
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        });
        req.on("error", (e) => ((e as NodeJS.ErrnoException).code === "ECONNRESET" ? resolve() : reject(e)));
      });
      // Once the server has given up on the response (and the page query in flight, if any, has ended)…
      await server.settled();
      const after = pages.length;
      expect(after).toBeLessThanOrEqual(2);
      // …nothing more is queried.
      await new Promise((r) => setTimeout(r, 300));
      expect(pages.length).toBe(after);
    } finally {
      await server.close();
    }
  });

  it("a client that does not read holds the export at a bounded number of pages; it then gets every row", async () => {
    pages.length = 0;
    const server = await exportServer();
    try {
      let lines = 0;
      let bytes = 0;
      await new Promise<void>((resolve, reject) => {
        const req = http.get(exportUrl(server.url), { headers: bearer(key) }, (res) => {
          res.pause();
          // Reads nothing until the export has stopped pulling pages (or pulled them all), then reads it all.
          let seen = -1;
          const waitForStall = setInterval(() => {
            if (pages.length === seen || pages.length >= PAGES) {
              clearInterval(waitForStall);
              res.on("data", (d: Buffer) => {
                bytes += d.length;
                for (const b of d) if (b === 10) lines++;
              });
              res.on("end", resolve);
              res.resume();
            }
            seen = pages.length;
          }, 500);
        });
        req.on("error", reject);
      });
      await server.settled();
      expect(lines).toBe(ROWS);
      const pageBytes = bytes / PAGES;
      // What the response held in this process when each page was queried: never more than a page's worth…
      expect(Math.max(...pages.map((p) => p.buffered))).toBeLessThan(pageBytes);
      // …and pages were pulled at most three ahead of what the socket had taken.
      const ahead = pages.map((p, i) => i + 1 - p.sentToSocket / pageBytes);
      expect(Math.max(...ahead)).toBeLessThanOrEqual(3);
    } finally {
      await server.close();
    }
  });

  it("an export read through to the end is complete and correct", async () => {
    const { loader } = await import("~/routes/api.v1+/projects.$projectId.export.ts");
    const res = await call(
      loader as never,
      request(`/api/v1/projects/${projectId}/export?kind=raw`, { headers: bearer(key) }),
      { projectId },
    );
    const text = await res.text();
    const rows = text.trim().split("\n");
    expect(rows).toHaveLength(ROWS);
    expect(JSON.parse(rows[0])).toMatchObject({ item_id: "i1", answer: "a" });
  });
});
