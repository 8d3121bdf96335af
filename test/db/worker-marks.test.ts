import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsFolder, openDb, type DbHandle } from "../../db/client.ts";
import { advanceWorkerMark } from "../../db/queries/jobs.ts";
import { queryRows } from "../../db/rows.ts";
import { sweepFromSharedMark } from "../../jobs/answer-sweeper.ts";
import { createPostgresTestDb } from "../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

// Two handles on one PostgreSQL database stand for two app processes.
let a: DbHandle;
let b: DbHandle;
let url: string;
beforeAll(async () => {
  ({ handle: a, url } = await createPostgresTestDb());
  b = await openDb({ databaseUrl: url, maxConnections: 4 });
});
afterAll(async () => {
  await b.close();
  await a.close();
});

const queuedConsensus = async (projectId: string) =>
  (
    await queryRows<{ n: number }>(
      a.db,
      sql`select count(*)::int as n from jobs where kind = 'consensus' and key = ${projectId}`,
    )
  )[0].n;

describe("a watermark shared by app processes", () => {
  it("starts from its initial value, stores each step, and is skipped by a process while another holds it", async () => {
    const step = (by: number) => async (_db: unknown, value: number) => value + by;
    expect(await advanceWorkerMark(a.db, { name: "test-mark", initial: async () => 10, step: step(1) })).toBe(11);
    expect(await advanceWorkerMark(b.db, { name: "test-mark", initial: async () => 0, step: step(1) })).toBe(12);

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const slow = advanceWorkerMark(a.db, {
      name: "test-mark",
      initial: async () => 0,
      step: async (_db, value) => {
        entered();
        await held;
        return value + 100;
      },
    });
    await inside;
    // The other process does not wait for it, nor repeat its work.
    expect(await advanceWorkerMark(b.db, { name: "test-mark", initial: async () => 0, step: step(1) })).toBeNull();
    release();
    expect(await slow).toBe(112);
    expect(await advanceWorkerMark(b.db, { name: "test-mark", initial: async () => 0, step: step(1) })).toBe(113);
  });

  it("sweeps each new answer once, whichever process sweeps", async () => {
    const owner = await makeUser(a.db, "requester");
    const project = await makeProject(a.db, owner.id);
    await uploadPairs(a.db, project, 2);
    await answerTasks(a.db, {
      projectId: project.id,
      labelerId: (await makeUser(a.db, "labeler")).id,
      answer: () => "a",
    });
    const first = await sweepFromSharedMark(a.db);
    expect(first).toBeGreaterThan(0);
    expect(await queuedConsensus(project.id)).toBe(1);
    // The queued run is taken (as a worker would), so a second sweep that queued again would show.
    await a.db.execute(sql`update jobs set status = 'done' where kind = 'consensus' and key = ${project.id}`);
    expect(await sweepFromSharedMark(b.db)).toBe(first);
    expect(await queuedConsensus(project.id)).toBe(1);
  });
});

describe("migrations", () => {
  it("run once when several processes open a new database together", async () => {
    const { handle, url: fresh } = await createPostgresTestDb();
    await handle.db.execute(sql`drop schema public cascade`);
    await handle.db.execute(sql`drop schema if exists drizzle cascade`);
    await handle.db.execute(sql`create schema public`);
    const opened = await Promise.all([1, 2, 3].map(() => openDb({ databaseUrl: fresh, maxConnections: 2 })));
    const [row] = await queryRows<{ n: number; tables: number }>(
      handle.db,
      sql`select (select count(*)::int from drizzle.__drizzle_migrations) as n,
            (select count(*)::int from information_schema.tables where table_name = 'worker_marks') as tables`,
    );
    const journal = JSON.parse(readFileSync(path.join(migrationsFolder(), "meta", "_journal.json"), "utf8"));
    expect(row).toEqual({ n: journal.entries.length, tables: 1 });
    for (const o of opened) await o.close();
    await handle.close();
  });
});
