// Labelers fetching and answering tasks over HTTP against the real app on PostgreSQL, beside pgbench on the same
// database: `npm run bench -- api [--seconds 20] [--connections 64]`.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { once } from "node:events";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import postgres from "postgres";
import { openDb } from "../db/client.ts";
import { createApiKey } from "../db/queries/identity.ts";
import { makeBenchProject } from "./_fixtures.ts";

const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const PORT = 3300;

function dbUrl(name: string) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function freshDatabase(name: string) {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  return dbUrl(name);
}

function pgbench(url: string, seconds: number, clients: number, builtin: string) {
  const out = execFileSync(
    "pgbench",
    ["-n", "-c", String(clients), "-j", "2", "-T", String(seconds), "-b", builtin, url],
    {
      encoding: "utf8",
    },
  );
  const tps = /tps = ([\d.]+)/.exec(out);
  const lat = /latency average = ([\d.]+) ms/.exec(out);
  return { tps: tps ? Number(tps[1]) : NaN, latencyMs: lat ? Number(lat[1]) : NaN };
}

async function waitForHttp(url: string, server: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    if (server.exitCode !== null) throw new Error(`the app exited with code ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the app did not start");
}

/**
 * PostgreSQL's own account of where the database time went (pg_stat_statements, when the server preloads it):
 * reset before the load, the costliest statements after it.
 */
async function statementStats(url: string) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  let available = true;
  try {
    await client`create extension if not exists pg_stat_statements`;
    await client`select pg_stat_statements_reset()`;
  } catch {
    available = false;
    console.log("pg_stat_statements is not preloaded on this server: no per-statement figures");
  }
  return {
    async top(n: number) {
      try {
        if (!available) return null;
        const rows = await client`select calls, round(total_exec_time)::int as total_ms,
            round((mean_exec_time)::numeric, 3)::float as mean_ms, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 90) as query
          from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
          order by total_exec_time desc limit ${n}`;
        return rows.map((r) => ({ ...r }));
      } finally {
        await client.end();
      }
    },
  };
}

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: "string", default: "20" },
      connections: { type: "string", default: "64" },
      labelers: { type: "string", default: "400" },
      items: { type: "string", default: "60000" },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const url = await freshDatabase("pairwise_bench");
  console.log(`database: ${url}`);

  const handle = await openDb({ databaseUrl: url, maxConnections: 8 });
  const { projectId, labelerIds } = await makeBenchProject(handle.db, {
    items: Number(values.items),
    labelers: Number(values.labelers),
  });
  const keys = await Promise.all(labelerIds.map((userId) => createApiKey(handle.db, { userId, name: "bench" })));
  await handle.close();

  const serverLog = path.join(tmpdir(), "pairwise-bench-server.log");
  console.log(`building and starting the app (log: ${serverLog})…`);
  const server = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "server.js"],
    {
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(PORT),
        PUBLIC_HOST: `localhost:${PORT}`,
        DATABASE_URL: url,
        DB_POOL_SIZE: "16",
        RATE_LIMIT_ANSWERS_PER_MINUTE: "1000000",
      },
      stdio: ["ignore", openSync(serverLog, "w"), "inherit"],
    },
  );
  await waitForHttp(`http://127.0.0.1:${PORT}/`, server);
  const stats = await statementStats(url);

  try {
    let nextKey = 0;
    let answers = 0;
    const statuses: Record<number, number> = {};
    const errorCodes: Record<string, number> = {};
    const result = await autocannon({
      url: `http://127.0.0.1:${PORT}/api/v1/projects/${projectId}/tasks`,
      connections,
      duration: seconds,
      // autocannon clears a connection's context each time it wraps around `requests`, so list the request many
      // times to keep each connection's labeler and held task across requests.
      requests: Array.from(
        { length: 100_000 },
        () =>
          ({
            method: "POST",
            setupRequest(req: Record<string, unknown>, context: Record<string, unknown>) {
              context.key ??= keys[nextKey++ % keys.length];
              const task = context.task as { assignmentId: number } | null | undefined;
              const body = task
                ? {
                    intent: "answer",
                    assignmentId: task.assignmentId,
                    choice: Math.random() < 0.6 ? "left" : "right",
                    timeSpentMs: 4000,
                  }
                : {};
              context.answering = Boolean(task);
              return {
                ...req,
                headers: { "content-type": "application/json", authorization: `Bearer ${context.key}` },
                body: JSON.stringify(body),
              };
            },
            onResponse(status: number, body: string, context: Record<string, unknown>) {
              statuses[status] = (statuses[status] ?? 0) + 1;
              if (status !== 200) {
                const code = (JSON.parse(body || "{}") as { error?: { code?: string } }).error?.code ?? "?";
                errorCodes[code] = (errorCodes[code] ?? 0) + 1;
                context.task = null;
                return;
              }
              if (context.answering) answers++;
              context.task = JSON.parse(body).task;
            },
          }) as unknown as autocannon.Request,
      ),
    });
    const answerRate = answers / seconds;
    const topStatements = await stats.top(8);
    console.log("\nrunning pgbench on the same database…");
    execFileSync("pgbench", ["-i", "-q", "-s", "10", url], { stdio: "ignore" });
    const tpcb = pgbench(url, Math.min(seconds, 15), 16, "tpcb-like");
    const select = pgbench(url, Math.min(seconds, 15), 16, "select-only");

    const report = {
      connections,
      seconds,
      requestsPerSecond: result.requests.average,
      answersPerSecond: Math.round(answerRate),
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      errors: result.errors + result.non2xx,
      statuses,
      errorCodes,
      pgbench: { tpcbLikeTps: Math.round(tpcb.tps), selectOnlyTps: Math.round(select.tps) },
      answersPerPgbenchTpcbTransaction: Number((answerRate / tpcb.tps).toFixed(3)),
    };
    console.log(JSON.stringify(report, null, 2));
    if (topStatements) console.table(topStatements);
  } finally {
    server.kill("SIGTERM");
    await once(server, "exit");
  }
}
