import { Readable } from "node:stream";
import { count, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDb, type DbHandle } from "../../db/client.ts";
import { ingestDataset } from "../../datasets/index.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { leaseNextTask } from "../../db/queries/labeling.ts";
import type { Project } from "../../db/queries/projects.ts";
import { items, uploads } from "../../db/schema/index.ts";
import { bearer, call, request } from "../support/app.ts";
import { createPostgresTestDb } from "../support/db.ts";
import { makeProject, makeUser, pairLines, uploadPairs } from "../support/fixtures.ts";

// The app's pool is 4 connections here (config/env.ts reads this when the app's modules are first imported).
vi.hoisted(() => {
  process.env.DB_POOL_SIZE = "4";
  process.env.MAX_UPLOADS_PER_USER = "8";
  process.env.MAX_UPLOADS_TOTAL = "8";
});

const UPLOADS = 4;
const ROWS = 20_000;

let admin: DbHandle;
let small: DbHandle;
const requesters: { key: string; project: Project }[] = [];
let labelerId = "";
let labelingProject: Project;

describe("uploads being stored leave connections for labeling (PostgreSQL, whichever database the suite runs on)", () => {
  beforeAll(async () => {
    const created = await createPostgresTestDb();
    admin = created.handle;
    small = await openDb({ databaseUrl: created.url, maxConnections: 4 });
    globalThis.__pairwiseDb = Promise.resolve(small);
    for (let i = 0; i < UPLOADS; i++) {
      const user = await makeUser(admin.db, "requester");
      requesters.push({
        key: await createApiKey(admin.db, { userId: user.id, name: "pool" }),
        project: await makeProject(admin.db, user.id),
      });
    }
    labelingProject = await makeProject(admin.db, (await makeUser(admin.db, "requester")).id);
    await uploadPairs(admin.db, labelingProject, 10);
    labelerId = (await makeUser(admin.db, "labeler")).id;
  });
  afterAll(async () => {
    await small?.close();
    await admin?.close();
  });

  /** Backends of the test database inside a transaction that has written (an xid): uploads being stored. */
  async function storing(): Promise<number> {
    const rows = (await admin.db.execute(sql`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and backend_xid is not null`)) as unknown as {
      n: number;
    }[];
    return rows[0].n;
  }

  it("a lease gets a connection while every upload is storing or waiting to store", async () => {
    const { action } = await import("~/routes/api.v1+/projects.$projectId.items.ts");
    const { uploadActivity } = await import("~/utils/upload-slots.server.ts");
    const waiting = () => uploadActivity().waitingToStore;
    const order: string[] = [];
    const done = requesters.map(({ key, project }, i) =>
      call(
        action as never,
        request(`/api/v1/projects/${project.id}/items?filename=f.jsonl`, {
          method: "POST",
          headers: bearer(key),
          body: pairLines(ROWS, `u${i}`),
        }),
        { projectId: project.id },
      ).then((res) => {
        order.push(`upload ${res.status}`);
        return res;
      }),
    );
    let most = 0;
    for (;;) {
      const now = await storing();
      most = Math.max(most, now);
      if (now + waiting() >= UPLOADS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const task = await leaseNextTask(small.db, { projectId: labelingProject.id, labelerId });
    order.push("lease");
    expect(task).not.toBeNull();
    // The lease did not have to wait for a store to commit and give its connection back.
    const [stored] = await admin.db
      .select({ n: count() })
      .from(uploads)
      .where(
        inArray(
          uploads.projectId,
          requesters.map((r) => r.project.id),
        ),
      );
    expect(stored.n).toBe(0);
    await Promise.all(done);
    expect(order[0]).toBe("lease");
    expect(order.slice(1)).toEqual(Array(UPLOADS).fill("upload 201"));
    // At most half the pool went to stores.
    expect(most).toBeLessThanOrEqual(2);
    for (const { project } of requesters) {
      const [row] = await admin.db.select({ n: count() }).from(items).where(eq(items.projectId, project.id));
      expect(row.n).toBe(ROWS);
    }
  });

  it("an upload that fails while it is being stored leaves nothing", async () => {
    const user = await makeUser(admin.db, "requester");
    const project = await makeProject(admin.db, user.id);
    let batches = 0;
    const error = await ingestDataset(small.db, {
      project,
      input: Readable.from([pairLines(5_000, "fails")]),
      filename: "f.jsonl",
      format: "jsonl",
      onProgress: (p) => {
        if (p.phase === "storing" && ++batches === 4) throw new Error("the store failed half-way");
      },
    }).catch((e) => e);
    expect((error as Error).message).toBe("the store failed half-way");
    const [itemRows] = await admin.db.select({ n: count() }).from(items).where(eq(items.projectId, project.id));
    const [uploadRows] = await admin.db.select({ n: count() }).from(uploads).where(eq(uploads.projectId, project.id));
    expect([itemRows.n, uploadRows.n]).toEqual([0, 0]);
  });
});
