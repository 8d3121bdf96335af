/**
 * `npm run bench -- big-project [--items 200000] [--answers 1000000] [--labelers 500] [--live 8]
 * [--baseline-seconds 10] [--export-seconds 60] [--in-process]`: issue 16, a big pairwise project on PostgreSQL
 * (BENCH_POSTGRES_URL, a fresh database dropped at the end).
 *
 * 1. Bulk-writes the project in SQL: items, answered assignments and approved answers over 30 days from a crowd of
 *    honest labelers of mixed accuracy, random clickers, adversaries and left-clickers, paid by daily epochs but
 *    for the last day or two.
 * 2. Runs its consensus as the job does (runProjectConsensus) in a child process, timing read, fit and save and
 *    taking the child's peak RSS, heap and longest event-loop stall (what HTTP requests would wait for if the job
 *    ran inside an app process). `--in-process` runs it in this process instead, beside the labelers.
 * 3. Meanwhile `--live` labelers lease and answer tasks through the query functions on a pool of their own: their
 *    latencies during the run against a quiet window before it.
 * 4. Adds 100 answers and runs the consensus again (there is no incremental path: it is a full run again).
 * 5. Streams each export of the project through exportResponse to /dev/null, each in a child process of its own,
 *    for at most `--export-seconds` (then cancelled, as by a client going away).
 */
import { fork } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { openDb, type Db } from "../db/client.ts";
import { DomainError } from "../db/errors.ts";
import { recordFunding } from "../db/queries/funds.ts";
import { createUser } from "../db/queries/identity.ts";
import { leaseNextTask } from "../db/queries/labeling.ts";
import { createProject, getProject, type Project } from "../db/queries/projects.ts";
import { performTaskAction } from "../labeling/task-actions.ts";
import { runProjectConsensus, type ConsensusOutcome } from "../reward/consensus/project-run.ts";
import { Rng } from "../trainer/rng.ts";
import { withFreshDatabase } from "./_fixtures.ts";

const DATABASE = "pairwise_bigbench";
const CHILD_JOB = "PAIRWISE_BIG_PROJECT_JOB";
/** What exportsFor offers a pairwise project. */
const EXPORT_KINDS = ["preferences", "consensus", "raw"] as const;
const NEW_ANSWERS = 100;

const MiB = (bytes: number) => Math.round(bytes / 2 ** 20);
const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const now = () => performance.timeOrigin + performance.now();

type ChildJob =
  | { kind: "consensus"; url: string; projectId: string }
  | { kind: "export"; projectId: string; exportKind: (typeof EXPORT_KINDS)[number]; limitSeconds: number };

// ---------- the project, written in bulk ----------

/**
 * The crowd: every 25th labeler clicks at random and fast, every 40th (from 1) is right 20% of the time, every 30th
 * (from 2) picks the left response 90% of the time; the others are right 60–95% of the time (4% ties, 1% both bad).
 */
async function writeProject(
  sqlClient: postgres.Sql,
  p: { projectId: string; ownerId: string; items: number; perItem: number; labelers: number },
) {
  const { projectId, ownerId, items, perItem, labelers } = p;
  const step = async (what: string, query: PromiseLike<unknown>) => {
    const started = now();
    await query;
    console.log(`  ${what}: ${round((now() - started) / 1000, 1)} s`);
  };
  await sqlClient`select setseed(0.16)`;
  // Every reference is right by construction: skip the per-row foreign-key checks, a bulk load's largest cost.
  await sqlClient`set session_replication_role = replica`;
  await sqlClient`insert into users (email, name, password_hash, role)
    select 'big-' || n || '@bench.test', 'Labeler ' || n, 'x', 'labeler' from generate_series(0, ${labelers - 1}) n`;
  await sqlClient`create temp table bench_crowd as
    select n, u.id, c.kind,
      case c.kind when 'honest' then 0.6 + 0.35 * random() when 'adversary' then 0.2 else 0.5 end as accuracy,
      case c.kind when 'random' then 1200 else 3000 + 20000 * random() end as median_ms
    from generate_series(0, ${labelers - 1}) n
    join users u on u.email = 'big-' || n || '@bench.test'
    cross join lateral (select case when n % 25 = 0 then 'random' when n % 40 = 1 then 'adversary'
      when n % 30 = 2 then 'left' else 'honest' end as kind) c`;
  await sqlClient`create unique index on bench_crowd (n)`;
  await sqlClient`create unique index on bench_crowd (id)`;
  await step(
    "items",
    sqlClient`insert into items (project_id, external_id, content, metadata, labels_wanted, answers, created_at)
    select ${projectId}, 'big-' || n,
      jsonb_build_object('kind', 'pairwise', 'prompt', repeat('Prompt ' || n || ' ', 20),
        'responseA', repeat('Answer A ' || n || ' ', 40), 'responseB', repeat('Answer B ' || n || ' ', 40)),
      jsonb_build_object('truth', case when random() < 0.5 then 'a' else 'b' end),
      ${perItem + 1}, ${perItem}, now() - interval '31 days'
    from generate_series(0, ${items - 1}) n`,
  );
  // Each item's answers come from labelers in distinct stripes of the crowd, so no labeler answers an item twice;
  // they arrive item after item over 30 days, as leasing in id order serves them.
  const stripe = Math.floor(labelers / perItem);
  const total = items * perItem;
  await step(
    "assignments",
    sqlClient`insert into assignments (item_id, project_id, labeler_id, status, swapped, leased_at, expires_at, finished_at)
    select i.id, i.project_id, w.id, 'answered', random() < 0.5,
      t.at - make_interval(secs => greatest(0.3, w.median_ms / 1000 * exp(random() + random() + random() - 1.5))),
      t.at + interval '10 minutes', t.at
    from items i
    cross join (select min(id) as first from items where project_id = ${projectId}) m
    cross join generate_series(0, ${perItem - 1}) k
    cross join lateral (select ((i.id * 7919) % ${labelers} + k * ${stripe} + floor(random() * ${stripe})::int)
      % ${labelers} as n, now() - interval '30 days'
        + make_interval(secs => ((i.id - m.first) * ${perItem} + k) * ${(30 * 86400 - 3600) / total}::float8) as at) t
    join bench_crowd w on w.n = t.n
    where i.project_id = ${projectId}
    order by i.id, k`,
  );
  // Daily payouts have paid every answer approved before yesterday (UTC), as on a project that has run a month.
  await sqlClient`insert into payout_epochs (id, starts_at, ends_at, status)
    select to_char(d, 'YYYY-MM-DD'), d at time zone 'utc', (d + interval '1 day') at time zone 'utc', 'paid'
    from generate_series(date_trunc('day', (now() - interval '31 days') at time zone 'utc'),
      date_trunc('day', now() at time zone 'utc') - interval '2 days', interval '1 day') d`;
  await step(
    "answers",
    sqlClient`insert into labels (assignment_id, item_id, project_id, labeler_id, value, swapped, time_spent_ms,
      review_status, reviewed_at, reviewer_id, paid_epoch_id, created_at)
    select a.id, a.item_id, a.project_id, a.labeler_id,
      case
        when w.kind = 'left' and random() < 0.9 then case when a.swapped then 'b' else 'a' end
        when w.kind <> 'random' and random() < 0.04 then 'tie'
        when w.kind <> 'random' and random() < 0.01 then 'both_bad'
        when random() < w.accuracy then i.metadata->>'truth'
        else case i.metadata->>'truth' when 'a' then 'b' else 'a' end
      end,
      a.swapped, (extract(epoch from a.finished_at - a.leased_at) * 1000)::int,
      'approved', r.at, ${ownerId}, e.id, a.finished_at
    from assignments a join items i on i.id = a.item_id join bench_crowd w on w.id = a.labeler_id
    cross join lateral (select a.finished_at + interval '50 minutes' as at) r
    left join payout_epochs e on r.at >= e.starts_at and r.at < e.ends_at
    where a.project_id = ${projectId}
    order by a.id`,
  );
  await step(
    "earnings and payouts",
    sqlClient`with earned as (
        insert into earnings (epoch_id, labeler_id, project_id, labels, reward_per_label, weight_ppm, earned, amount)
        select paid_epoch_id, labeler_id, project_id, count(*), 10, 1000000, count(*) * 10, count(*) * 10
        from labels where project_id = ${projectId} and paid_epoch_id is not null group by 1, 2, 3
        returning epoch_id, labeler_id, amount)
      insert into payouts (epoch_id, labeler_id, amount, status, paid_at)
      select x.epoch_id, x.labeler_id, x.amount, 'paid', e.ends_at + interval '1 hour'
      from earned x join payout_epochs e on e.id = x.epoch_id`,
  );
  await sqlClient`set session_replication_role = origin`;
  // Replica mode skipped the triggers too: the count of unpaid answers leasing reads is made as migration 0014 makes it.
  await sqlClient`insert into project_unpaid_answers (project_id, shard, answers)
    select project_id, (id % 16)::smallint, count(*) from labels where project_id = ${projectId} and paid_epoch_id is null
    group by 1, 2`;
  // A database that has lived has its statistics and visibility maps; a bulk load has neither until vacuumed.
  await step("vacuum analyze", sqlClient`vacuum analyze items, assignments, labels, users, earnings, payouts`);
}

async function setUp(url: string, p: { items: number; perItem: number; labelers: number; live: number }) {
  const handle = await openDb({ databaseUrl: url, maxConnections: 2 });
  const sqlClient = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const db = handle.db;
    const owner = (await createUser(db, {
      email: "big-owner@bench.test",
      name: "Owner",
      passwordHash: "x",
      role: "requester",
    }))!;
    const project = await createProject(db, {
      ownerId: owner.id,
      title: "Big project",
      instructions: "",
      taskType: "pairwise",
      labelsPerItem: p.perItem + 1,
      rewardPerLabel: 10n,
      budget: 10n ** 12n,
    });
    await recordFunding(db, {
      projectId: project.id,
      kind: "admin_credit",
      amount: 10n ** 12n,
      reason: "bench funding",
    });
    await writeProject(sqlClient, { projectId: project.id, ownerId: owner.id, ...p });
    const live: string[] = [];
    for (let i = 0; i < p.live; i++) {
      const u = await createUser(db, {
        email: `big-live-${i}@bench.test`,
        name: `Live ${i}`,
        passwordHash: "x",
        role: "labeler",
      });
      live.push(u!.id);
    }
    const truthRows = await sqlClient<{ id: string; truth: string }[]>`
      select id, metadata->>'truth' as truth from items where project_id = ${project.id}`;
    const truth = new Map(truthRows.map((r) => [Number(r.id), r.truth]));
    const [counts] = await sqlClient<{ answers: number; bytes: string }[]>`
      select (select count(*)::int from labels where project_id = ${project.id}) as answers,
        pg_database_size(current_database())::text as bytes`;
    return {
      project: (await getProject(db, project.id))!,
      live,
      truth,
      answers: counts.answers,
      databaseMiB: MiB(Number(counts.bytes)),
    };
  } finally {
    await sqlClient.end();
    await handle.close();
  }
}

// ---------- live labelers ----------

interface Cycle {
  at: number;
  leaseMs: number;
  answerMs: number;
}

/** Leases a task and answers it the way a careful labeler would (right 85% of the time, 3% ties). */
async function answerOne(
  db: Db,
  project: Project,
  labelerId: string,
  truth: Map<number, string>,
  rng: Rng,
): Promise<Cycle | null> {
  const at = now();
  const task = await leaseNextTask(db, { projectId: project.id, labelerId });
  const leased = now();
  if (!task) return null;
  const betterOnLeft = (truth.get(task.itemId) === "a") !== task.swapped;
  const r = rng.next();
  const correct = r < 0.88;
  const choice = r < 0.03 ? "tie" : correct === betterOnLeft ? "left" : "right";
  await performTaskAction(db, project, labelerId, {
    intent: "answer",
    assignmentId: task.assignmentId,
    choice,
    timeSpentMs: 5000,
  });
  return { at, leaseMs: leased - at, answerMs: now() - leased };
}

/** Labelers answering back to back until stopped; refusals (a pause, say) are counted by code, not thrown. */
function startLabelers(db: Db, project: Project, labelerIds: string[], truth: Map<number, string>) {
  const cycles: Cycle[] = [];
  const refusals: Record<string, number> = {};
  let stopping = false;
  const loops = labelerIds.map(async (labelerId, i) => {
    const rng = new Rng(100 + i);
    while (!stopping) {
      let refusal: string | null = null;
      try {
        const cycle = await answerOne(db, project, labelerId, truth, rng);
        if (cycle) cycles.push(cycle);
        else refusal = "no_task";
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refusal = error.code;
      }
      if (refusal) {
        refusals[refusal] = (refusals[refusal] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
  return {
    cycles,
    refusals,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

/** Answers `count` tasks, the labelers taking turns; one refused (paused) or out of tasks is passed over. */
async function addAnswers(db: Db, project: Project, labelerIds: string[], truth: Map<number, string>, count: number) {
  const rng = new Rng(7);
  let added = 0;
  for (let i = 0; added < count && i < count * 10; i++) {
    try {
      if (await answerOne(db, project, labelerIds[i % labelerIds.length], truth, rng)) added++;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return added;
}

function percentile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

function latencies(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 0.5), 1),
    p99: round(percentile(sorted, 0.99), 1),
    max: round(sorted.at(-1) ?? NaN, 1),
    over1s: values.filter((v) => v > 1000).length,
  };
}

/** The cycles that started inside [from, to): how many, how fast, and the lease and answer latencies in ms. */
function cyclesBetween(cycles: Cycle[], from: number, to: number) {
  const inside = cycles.filter((c) => c.at >= from && c.at < to);
  return {
    seconds: round((to - from) / 1000, 1),
    answers: inside.length,
    answersPerSecond: round(inside.length / ((to - from) / 1000), 1),
    leaseMs: latencies(inside.map((c) => c.leaseMs)),
    answerMs: latencies(inside.map((c) => c.answerMs)),
  };
}

// ---------- measured work, in a child process or here ----------

/** Peak RSS (the kernel's high-water mark) and heap as sampled every 50 ms; a synchronous stretch goes unsampled. */
function watchMemory() {
  let peakHeap = 0;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  sample();
  const baselineRss = process.memoryUsage().rss;
  const timer = setInterval(sample, 50);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  return {
    stop() {
      clearInterval(timer);
      loop.disable();
      sample();
      return {
        baselineRssMiB: MiB(baselineRss),
        maxRssMiB: MiB(process.resourceUsage().maxRSS * 1024),
        peakHeapSampledMiB: MiB(peakHeap),
        longestEventLoopStallMs: Math.round(loop.max / 1e6),
      };
    },
  };
}

/**
 * The database as the run sees it, marking when the answers' query returns (end of read) and when the save's
 * transaction opens (end of fit), with the heap at each mark: runProjectConsensus itself is left as it is.
 */
function phaseMarks(db: Db) {
  const dialect = new PgDialect();
  const marks = { readEnd: NaN, saveStart: NaN, heapAfterReadMiB: NaN, heapAfterFitMiB: NaN };
  const proxy = new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === "execute")
        return async (query: SQL) => {
          const result: unknown = await value.call(target, query);
          if (dialect.sqlToQuery(query).sql.includes("from labels l join items i")) {
            marks.readEnd = now();
            marks.heapAfterReadMiB = MiB(process.memoryUsage().heapUsed);
          }
          return result;
        };
      if (prop === "transaction")
        return (...args: unknown[]) => {
          marks.saveStart = now();
          marks.heapAfterFitMiB = MiB(process.memoryUsage().heapUsed);
          return value.apply(target, args);
        };
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: proxy, marks };
}

async function measureConsensus(url: string, projectId: string) {
  const handle = await openDb({ databaseUrl: url });
  try {
    const memory = watchMemory();
    const { db, marks } = phaseMarks(handle.db);
    const started = now();
    const outcome: ConsensusOutcome = await runProjectConsensus(db, projectId);
    const ended = now();
    return {
      started,
      ended,
      seconds: round((ended - started) / 1000),
      readSeconds: round((marks.readEnd - started) / 1000),
      fitSeconds: round((marks.saveStart - marks.readEnd) / 1000),
      saveSeconds: round((ended - marks.saveStart) / 1000),
      heapAfterReadMiB: marks.heapAfterReadMiB,
      heapAfterFitMiB: marks.heapAfterFitMiB,
      ...memory.stop(),
      outcome:
        outcome.status === "done"
          ? { status: outcome.status, items: outcome.items, labelers: outcome.labelers, paused: outcome.paused.length }
          : outcome,
    };
  } finally {
    await handle.close();
  }
}

/**
 * One export through the app's own streaming response into /dev/null, read to the end or for `limitSeconds` (then
 * cancelled as a client going away would be: `complete` says which).
 */
async function measureExport(projectId: string, kind: (typeof EXPORT_KINDS)[number], limitSeconds: number) {
  // Imported here: the app's database handle opens on import, from DATABASE_URL set for this child alone.
  const { exportResponse } = await import("../app/utils/export.server.ts");
  const { db, closeDb } = await import("../app/utils/db.server.ts");
  try {
    const project = (await getProject(db, projectId))!;
    const memory = watchMemory();
    const started = now();
    const signal = AbortSignal.timeout(limitSeconds * 1000);
    const response = await exportResponse(project, kind, {}, signal);
    const out = createWriteStream("/dev/null");
    let rows = 0;
    let bytes = 0;
    for await (const chunk of Readable.fromWeb(response.body! as never) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
      if (!out.write(chunk)) await once(out, "drain");
    }
    out.end();
    await once(out, "finish");
    const seconds = (now() - started) / 1000;
    return {
      complete: !signal.aborted,
      rows,
      MiB: round(bytes / 2 ** 20, 1),
      seconds: round(seconds),
      rowsPerSecond: Math.round(rows / seconds),
      ...memory.stop(),
    };
  } finally {
    await closeDb();
  }
}

async function childMain(job: ChildJob) {
  const result =
    job.kind === "consensus"
      ? await measureConsensus(job.url, job.projectId)
      : await measureExport(job.projectId, job.exportKind, job.limitSeconds);
  process.send!(result, () => process.disconnect());
}

/** Runs a job in a child process (this file, under the same tsx loader) and returns what it reports. */
async function inChild<T>(job: ChildJob, env: Record<string, string> = {}): Promise<T> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, ...env, [CHILD_JOB]: JSON.stringify(job) },
  });
  let result: T | undefined;
  child.on("message", (message) => (result = message as T));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0 || result === undefined) throw new Error(`the ${job.kind} child exited with code ${code}`);
  return result;
}

// ---------- the benchmark ----------

type ConsensusFigures = Awaited<ReturnType<typeof measureConsensus>>;

/** A consensus run while the live labelers answer, against a quiet window of `quietMs` before it. */
async function consensusUnderLabeling(
  runConsensus: () => Promise<ConsensusFigures>,
  labelingDb: Db,
  setup: Awaited<ReturnType<typeof setUp>>,
  quietMs: number,
) {
  const labeling = startLabelers(labelingDb, setup.project, setup.live, setup.truth);
  const quietFrom = now();
  let run: ConsensusFigures;
  try {
    await new Promise((r) => setTimeout(r, quietMs));
    console.log(`consensus run 1 with ${setup.live.length} labelers answering…`);
    run = await runConsensus();
  } finally {
    await labeling.stop();
  }
  const labelingFigures = {
    before: cyclesBetween(labeling.cycles, quietFrom, quietFrom + quietMs),
    duringRun: cyclesBetween(labeling.cycles, run.started, run.ended),
    refusals: labeling.refusals,
  };
  const { before, duringRun } = labelingFigures;
  console.log(
    `  labeling before: ${before.answersPerSecond}/s, lease p99 ${before.leaseMs.p99} ms, answer p99 ${before.answerMs.p99} ms; ` +
      `during: ${duringRun.answersPerSecond}/s, lease p99 ${duringRun.leaseMs.p99} ms, answer p99 ${duringRun.answerMs.p99} ms`,
  );
  return { run, labeling: labelingFigures };
}

/** Each export of the project, in a child process of its own (the app's database handle reads DATABASE_URL). */
async function measureExports(url: string, projectId: string, limitSeconds: number) {
  const figures: Record<string, Awaited<ReturnType<typeof measureExport>>> = {};
  const dataDir = mkdtempSync(path.join(tmpdir(), "pairwise-bigbench-"));
  try {
    const env = { DATABASE_URL: url, DATA_DIR: dataDir, SESSION_SECRET: randomBytes(32).toString("hex") };
    for (const exportKind of EXPORT_KINDS) {
      const result = await inChild<Awaited<ReturnType<typeof measureExport>>>(
        { kind: "export", projectId, exportKind, limitSeconds },
        env,
      );
      console.log(
        `export ${exportKind}: ${result.rows} rows in ${result.seconds} s${result.complete ? "" : " (stopped there)"}, ` +
          `peak RSS ${result.maxRssMiB} MiB`,
      );
      figures[exportKind] = result;
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return figures;
}

const phases = (r: ConsensusFigures) =>
  `${r.seconds} s (read ${r.readSeconds}, fit ${r.fitSeconds}, save ${r.saveSeconds}), peak RSS ${r.maxRssMiB} MiB, ` +
  `longest event-loop stall ${r.longestEventLoopStallMs} ms`;

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      items: { type: "string", default: "200000" },
      answers: { type: "string", default: "1000000" },
      labelers: { type: "string", default: "500" },
      live: { type: "string", default: "8" },
      "baseline-seconds": { type: "string", default: "10" },
      "export-seconds": { type: "string", default: "60" },
      "in-process": { type: "boolean", default: false },
    },
  });
  const items = Number(values.items);
  const perItem = Math.max(1, Math.round(Number(values.answers) / items));
  const labelers = Number(values.labelers);
  if (perItem > labelers) throw new Error("--answers / --items must not exceed --labelers");
  const inProcess = values["in-process"];
  const benchStarted = now();

  const report = await withFreshDatabase(DATABASE, async (url) => {
    console.log(`database ${DATABASE}: writing ${items} items × ${perItem} answers from ${labelers} labelers…`);
    const setupStarted = now();
    const setup = await setUp(url, { items, perItem, labelers, live: Number(values.live) });
    const setupSeconds = round((now() - setupStarted) / 1000, 1);
    console.log(`  ${setup.answers} answers written in ${setupSeconds} s (database ${setup.databaseMiB} MiB)`);

    const projectId = setup.project.id;
    const runConsensus = () =>
      inProcess ? measureConsensus(url, projectId) : inChild<ConsensusFigures>({ kind: "consensus", url, projectId });
    const labelingHandle = await openDb({ databaseUrl: url, maxConnections: setup.live.length });
    let added: number;
    let first: Awaited<ReturnType<typeof consensusUnderLabeling>>;
    try {
      first = await consensusUnderLabeling(
        runConsensus,
        labelingHandle.db,
        setup,
        Number(values["baseline-seconds"]) * 1000,
      );
      console.log(`  ${phases(first.run)}`);
      added = await addAnswers(labelingHandle.db, setup.project, setup.live, setup.truth, NEW_ANSWERS);
    } finally {
      await labelingHandle.close();
    }
    console.log(`consensus run 2 after ${added} new answers…`);
    const second = await runConsensus();
    console.log(`  ${phases(second)}`);
    const exports = await measureExports(url, projectId, Number(values["export-seconds"]));

    const { started: _s1, ended: _e1, ...run1 } = first.run;
    const { started: _s2, ended: _e2, ...run2 } = second;
    return {
      size: {
        items,
        answers: setup.answers,
        labelers,
        liveLabelers: setup.live.length,
        databaseMiB: setup.databaseMiB,
      },
      setupSeconds,
      consensusIn: inProcess ? "the bench process, beside the labelers" : "a child process",
      run1,
      labeling: first.labeling,
      run2: { newAnswers: added, ...run2 },
      exports,
    };
  });
  console.log(JSON.stringify({ ...report, wallSeconds: round((now() - benchStarted) / 1000, 1) }, null, 2));
}

const childJob = process.env[CHILD_JOB];
if (childJob) await childMain(JSON.parse(childJob) as ChildJob);
