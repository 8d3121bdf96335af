import { and, desc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { queryRows } from "../rows.ts";
import { jobs, projects } from "../schema/index.ts";

export type Job = typeof jobs.$inferSelect;

/**
 * Queues a job unless one with the same kind and key is already waiting; a waiting one is brought forward to the
 * earlier of the two times, so "run now" overrides a debounced run.
 */
export async function enqueueJob(
  db: Db,
  params: {
    kind: string;
    key: string;
    payload?: Record<string, unknown>;
    delayMs?: number;
    /** Also wait this many times as long as the last finished job of this kind and key took (due to done). */
    pacing?: number;
  },
): Promise<number> {
  const lastTook = sql`coalesce((select extract(epoch from j.finished_at - j.run_at) from jobs j
    where j.kind = ${params.kind} and j.key = ${params.key} and j.status = 'done'
    order by j.created_at desc limit 1), 0)`;
  const delay = sql`${(params.delayMs ?? 0) / 1000}::float8`;
  const seconds = params.pacing ? sql`greatest(${delay}, ${params.pacing}::float8 * ${lastTook})` : delay;
  const runAt = sql`now() + make_interval(secs => ${seconds})`;
  const [row] = await queryRows<{ id: string | number }>(
    db,
    sql`insert into jobs (kind, key, payload, run_at)
        values (${params.kind}, ${params.key}, ${JSON.stringify(params.payload ?? {})}::jsonb, ${runAt})
        on conflict (kind, key) where status = 'queued'
        do update set run_at = least(jobs.run_at, excluded.run_at), payload = excluded.payload
        returning id`,
  );
  return Number(row.id);
}

/**
 * Claims the next due job (or one whose worker died: its lock ran out) for `lockMs`; SKIP LOCKED lets several
 * workers poll one table without blocking each other.
 */
export async function claimJob(db: Db, params: { kinds: string[]; lockMs: number }): Promise<Job | null> {
  if (params.kinds.length === 0) return null;
  const kinds = sql.join(
    params.kinds.map((k) => sql`${k}`),
    sql`, `,
  );
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`update jobs set status = 'running', attempts = attempts + 1,
          locked_until = now() + make_interval(secs => ${params.lockMs / 1000})
        where id = (
          select id from jobs
          where kind in (${kinds}) and ((status = 'queued' and run_at <= now()) or (status = 'running' and locked_until < now()))
          order by run_at, id limit 1 for update skip locked)
        returning id`,
  );
  if (!row) return null;
  return getJob(db, Number(row.id));
}

export async function getJob(db: Db, id: number): Promise<Job | null> {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, id));
  return job ?? null;
}

/** The newest job of a kind (for a key: a project's latest consensus run, say), whatever its state. */
export async function latestJob(db: Db, params: { kind: string; key?: string }): Promise<Job | null> {
  const [job] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, params.kind), params.key === undefined ? undefined : eq(jobs.key, params.key)))
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(1);
  return job ?? null;
}

/**
 * The newest runs of the given kinds, newest first, each with the title of the project a per-project job (keyed by
 * the project's id, as consensus runs are) is for.
 */
export async function listRecentJobs(db: Db, params: { kinds: string[]; limit: number }) {
  return db
    .select({ ...getTableColumns(jobs), projectTitle: projects.title })
    .from(jobs)
    .leftJoin(projects, sql`${projects.id}::text = ${jobs.key}`)
    .where(inArray(jobs.kind, params.kinds))
    .orderBy(desc(jobs.id))
    .limit(params.limit);
}

export type RecentJob = Awaited<ReturnType<typeof listRecentJobs>>[number];

export async function reportJobProgress(
  db: Db,
  params: { id: number; progress: Record<string, unknown>; lockMs: number },
) {
  await db
    .update(jobs)
    .set({ progress: params.progress, lockedUntil: sql`now() + make_interval(secs => ${params.lockMs / 1000})` })
    .where(eq(jobs.id, params.id));
}

/** Extends a running job's lock: the heartbeat that tells a live worker from a dead one. */
export async function extendJobLock(db: Db, params: { id: number; lockMs: number }) {
  await db
    .update(jobs)
    .set({ lockedUntil: sql`now() + make_interval(secs => ${params.lockMs / 1000})` })
    .where(and(eq(jobs.id, params.id), eq(jobs.status, "running")));
}

export async function finishJob(db: Db, params: { id: number; result?: Record<string, unknown>; error?: string }) {
  await db
    .update(jobs)
    .set({
      status: params.error === undefined ? "done" : "failed",
      result: params.result ?? null,
      error: params.error ?? null,
      lockedUntil: null,
      finishedAt: sql`now()`,
    })
    .where(eq(jobs.id, params.id));
}

/**
 * Advances the shared watermark `name` by `step` (given the mark's value, it does its work and returns the new
 * value), in one transaction holding the mark's row: while another process holds it this returns null at once (SKIP
 * LOCKED) instead of doing the same work twice. The first run starts from `initial`.
 */
export async function advanceWorkerMark(
  db: Db,
  params: { name: string; initial: (db: Db) => Promise<number>; step: (db: Db, value: number) => Promise<number> },
): Promise<number | null> {
  return db.transaction(async (tx) => {
    let [row] = await queryRows<{ value: string | number }>(
      tx,
      sql`select value from worker_marks where name = ${params.name} for update skip locked`,
    );
    if (!row) {
      [row] = await queryRows<{ value: string | number }>(
        tx,
        sql`insert into worker_marks (name, value) values (${params.name}, ${await params.initial(tx)})
            on conflict (name) do nothing returning value`,
      );
      // The row exists and another process holds it.
      if (!row) return null;
    }
    const next = await params.step(tx, Number(row.value));
    await tx.execute(sql`update worker_marks set value = ${next}, updated_at = now() where name = ${params.name}`);
    return next;
  });
}
