import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { claimJob, enqueueJob, finishJob, getJob } from "../../db/queries/jobs.ts";
import { jobs } from "../../db/schema/index.ts";
import { createTestDb } from "../support/db.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

describe("job queue", () => {
  it("coalesces waiting jobs with one key, and 'now' brings a debounced one forward", async () => {
    const first = await enqueueJob(h.db, { kind: "k1", key: "p1", delayMs: 60_000 });
    const second = await enqueueJob(h.db, { kind: "k1", key: "p1", delayMs: 60_000 });
    expect(second).toBe(first);
    expect(await claimJob(h.db, { kinds: ["k1"], lockMs: 1000 })).toBeNull();
    expect(await enqueueJob(h.db, { kind: "k1", key: "p1" })).toBe(first);
    const claimed = await claimJob(h.db, { kinds: ["k1"], lockMs: 60_000 });
    expect(claimed).toMatchObject({ id: first, status: "running", attempts: 1 });
    // While it runs, new work with the same key queues behind it instead of being lost.
    const next = await enqueueJob(h.db, { kind: "k1", key: "p1" });
    expect(next).not.toBe(first);
    await finishJob(h.db, { id: first, result: { ok: true } });
    expect(await getJob(h.db, first)).toMatchObject({ status: "done", result: { ok: true } });
  });

  it("paces a job by how long its key's last run took", async () => {
    const seconds = async (id: number) => {
      const [job] = await h.db.select().from(jobs).where(eq(jobs.id, id));
      return (job.runAt.getTime() - Date.now()) / 1000;
    };
    // Never run: the plain delay.
    const first = await enqueueJob(h.db, { kind: "paced", key: "p", delayMs: 5_000, pacing: 4 });
    expect(await seconds(first)).toBeGreaterThan(3);
    expect(await seconds(first)).toBeLessThanOrEqual(5);
    // Its run took 30 s: the next waits four times that, far beyond the delay.
    await h.db
      .update(jobs)
      .set({
        status: "done",
        runAt: sql`now() - interval '40 seconds'`,
        finishedAt: sql`now() - interval '10 seconds'`,
      })
      .where(eq(jobs.id, first));
    const next = await enqueueJob(h.db, { kind: "paced", key: "p", delayMs: 5_000, pacing: 4 });
    expect(await seconds(next)).toBeGreaterThan(110);
    expect(await seconds(next)).toBeLessThanOrEqual(120);
    // Another key, or no pacing, is not held back by it.
    expect(
      await seconds(await enqueueJob(h.db, { kind: "paced", key: "q", delayMs: 5_000, pacing: 4 })),
    ).toBeLessThanOrEqual(5);
    await h.db.delete(jobs).where(eq(jobs.id, next));
    expect(await seconds(await enqueueJob(h.db, { kind: "paced", key: "p", delayMs: 5_000 }))).toBeLessThanOrEqual(5);
  });

  it("hands a job to one worker at a time and reclaims it when the worker's lock runs out", async () => {
    const id = await enqueueJob(h.db, { kind: "k2", key: "x" });
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => claimJob(h.db, { kinds: ["k2"], lockMs: 60_000 })),
    );
    expect(claims.filter(Boolean).map((j) => j!.id)).toEqual([id]);
    await h.db
      .update(jobs)
      .set({ lockedUntil: sql`now() - interval '1 second'` })
      .where(eq(jobs.id, id));
    expect(await claimJob(h.db, { kinds: ["k2"], lockMs: 60_000 })).toMatchObject({ id, attempts: 2 });
  });

  it("records failures with their message", async () => {
    const id = await enqueueJob(h.db, { kind: "k3", key: "x" });
    await claimJob(h.db, { kinds: ["k3"], lockMs: 1000 });
    await finishJob(h.db, { id, error: "boom" });
    expect(await getJob(h.db, id)).toMatchObject({ status: "failed", error: "boom" });
  });
});

describe("the worker's heartbeat", () => {
  it("keeps a long job's short lock alive while it runs, and lets a dead worker's job be claimed again", async () => {
    const { runDueJobs } = await import("../../jobs/worker.ts");
    const { createServices } = await import("../../jobs/services.ts");
    const { env } = await import("../../config/env.ts");
    const services = createServices(h.db, env);
    const id = await enqueueJob(h.db, { kind: "slow", key: "x" });
    const stolen: unknown[] = [];
    // The job runs for three lock lengths; a second worker polling meanwhile must never get it.
    const slow = async () => {
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 150));
        stolen.push(await claimJob(h.db, { kinds: ["slow"], lockMs: 300 }));
      }
      return { ok: true };
    };
    const ran = await runDueJobs(services, { handlers: { slow }, lockMs: 300, heartbeatMs: 100 });
    expect(ran).toBe(1);
    expect(stolen.filter(Boolean)).toEqual([]);
    expect(await getJob(h.db, id)).toMatchObject({ status: "done", attempts: 1 });

    // A worker that claimed a job and died (no heartbeat) loses it once the short lock runs out.
    const orphan = await enqueueJob(h.db, { kind: "orphan", key: "x" });
    await claimJob(h.db, { kinds: ["orphan"], lockMs: 300 });
    expect(await claimJob(h.db, { kinds: ["orphan"], lockMs: 300 })).toBeNull();
    await new Promise((r) => setTimeout(r, 400));
    expect(await claimJob(h.db, { kinds: ["orphan"], lockMs: 300 })).toMatchObject({ id: orphan, attempts: 2 });
  });
});
