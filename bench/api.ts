// Labelers fetching and answering tasks over HTTP against the real app on PostgreSQL, beside pgbench on the same
// database, in 1, 2 and 4 app processes, each at its peak and then at half that rate:
// `npm run bench -- api [--seconds 20] [--connections 64] [--processes 1,2,4]`.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { once } from "node:events";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import postgres from "postgres";
import { openDb } from "../db/client.ts";
import { createApiKey } from "../db/queries/identity.ts";
import { makeBenchProject, withFreshDatabase } from "./_fixtures.ts";
import { inMemoryChain } from "../test/support/chain.ts";
import { startRpcFacade } from "../test/support/rpc-facade.ts";
import { makeTempDir } from "../test/support/temp-dir.ts";

const PORT = 3300;

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

/** Labelers leasing and answering as fast as the app lets them, or at `rate` requests per second overall. */
async function answerLoad(params: {
  url: string;
  keys: string[];
  connections: number;
  seconds: number;
  rate?: number;
}) {
  const { keys } = params;
  let nextKey = 0;
  let answers = 0;
  const statuses: Record<number, number> = {};
  const errorCodes: Record<string, number> = {};
  const result = await autocannon({
    url: params.url,
    connections: params.connections,
    duration: params.seconds,
    ...(params.rate ? { overallRate: params.rate } : {}),
    // autocannon clears a connection's context each time it wraps around `requests`, so list the request more times
    // than one connection sends in a run, to keep its labeler and held task. Not far more: each connection copies
    // the list, and 100,000 copies made the load generator a 1 GB heap whose collections showed up as seconds of
    // latency.
    requests: Array.from(
      { length: 2_000 },
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
  return {
    requestsPerSecond: result.requests.average,
    answersPerSecond: Math.round(answers / params.seconds),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors + result.non2xx,
    ...(Object.keys(errorCodes).length ? { errorCodes } : {}),
  };
}

/** The app on `url` in `processes` processes (WEB_CONCURRENCY), on the chain behind `rpc`; resolves once it serves. */
async function startApp(params: { url: string; processes: number; chain: ChainEnv; log: string }) {
  const server = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "server.js"],
    {
      env: {
        ...process.env,
        ...params.chain,
        NODE_ENV: "production",
        PORT: String(PORT),
        PUBLIC_HOST: `localhost:${PORT}`,
        DATABASE_URL: params.url,
        WEB_CONCURRENCY: String(params.processes),
        // One pool of 16 connections in all, split between the processes.
        DB_POOL_SIZE: String(Math.max(4, Math.floor(16 / params.processes))),
        RATE_LIMIT_ANSWERS_PER_MINUTE: "1000000",
      },
      stdio: ["ignore", openSync(params.log, "a"), "inherit"],
    },
  );
  await waitForHttp(`http://127.0.0.1:${PORT}/`, server);
  return async () => {
    server.kill("SIGTERM");
    await once(server, "exit");
  };
}

type ChainEnv = { SOLANA_RPC_URL: string; PAIRWISE_MINT: string; TREASURY_KEYPAIR: string };

/** The embedded chain behind a local JSON-RPC server, so several app processes share one chain. */
async function sharedChain(): Promise<{ env: ChainEnv; close(): Promise<void> }> {
  const { chain, token } = await inMemoryChain();
  const facade = await startRpcFacade(chain);
  const treasuryFile = path.join(makeTempDir("bench-api"), "treasury.json");
  writeFileSync(treasuryFile, JSON.stringify(Array.from(token.treasury.secretKey)));
  return {
    env: { SOLANA_RPC_URL: facade.url, PAIRWISE_MINT: token.mint.toBase58(), TREASURY_KEYPAIR: treasuryFile },
    close: async () => {
      await facade.close();
      await chain.close();
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
      processes: { type: "string", default: "1,2,4" },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const processCounts = values.processes.split(",").map(Number);
  await withFreshDatabase("pairwise_bench", (url) => measure(url, { seconds, connections, processCounts, values }));
}

async function measure(
  url: string,
  options: {
    seconds: number;
    connections: number;
    processCounts: number[];
    values: { items: string; labelers: string };
  },
) {
  const { seconds, connections, processCounts, values } = options;
  console.log(`database: ${url}`);

  const handle = await openDb({ databaseUrl: url, maxConnections: 8 });
  const { projectId, labelerIds } = await makeBenchProject(handle.db, {
    items: Number(values.items),
    labelers: Number(values.labelers),
  });
  const keys = await Promise.all(labelerIds.map((userId) => createApiKey(handle.db, { userId, name: "bench" })));
  await handle.close();

  const log = path.join(tmpdir(), "pairwise-bench-server.log");
  writeFileSync(log, "");
  const chain = await sharedChain();
  const target = `http://127.0.0.1:${PORT}/api/v1/projects/${projectId}/tasks`;
  const runs = [];
  let topStatements: Record<string, unknown>[] | null = null;
  try {
    for (const processes of processCounts) {
      console.log(`${processes} app process(es): peak for ${seconds} s, then half that rate (log: ${log})…`);
      const stop = await startApp({ url, processes, chain: chain.env, log });
      try {
        const stats = await statementStats(url);
        const peak = await answerLoad({ url: target, keys, connections, seconds });
        topStatements = await stats.top(8);
        const halfRate = Math.max(1, Math.round(peak.requestsPerSecond / 2));
        const half = await answerLoad({ url: target, keys, connections, seconds, rate: halfRate });
        runs.push({ processes, peak, half: { requestsPerSecondAsked: halfRate, ...half } });
      } finally {
        await stop();
      }
    }
  } finally {
    await chain.close();
  }

  console.log("\nrunning pgbench on the same server…");
  execFileSync("pgbench", ["-i", "-q", "-s", "10", url], { stdio: "ignore" });
  const tpcb = pgbench(url, Math.min(seconds, 15), 16, "tpcb-like");
  const select = pgbench(url, Math.min(seconds, 15), 16, "select-only");
  const report = {
    connections,
    seconds,
    pgbench: { tpcbLikeTps: Math.round(tpcb.tps), selectOnlyTps: Math.round(select.tps) },
    runs: runs.map((r) => ({
      ...r,
      answersPerPgbenchTpcbTransaction: Number((r.peak.answersPerSecond / tpcb.tps).toFixed(3)),
    })),
  };
  console.log(JSON.stringify(report, null, 2));
  console.table(
    report.runs.map((r) => ({
      processes: r.processes,
      "answers/s": r.peak.answersPerSecond,
      "× pgbench": r.answersPerPgbenchTpcbTransaction,
      "peak p99 ms": r.peak.latencyMs.p99,
      "half-rate p50 ms": r.half.latencyMs.p50,
      "half-rate p99 ms": r.half.latencyMs.p99,
      errors: r.peak.errors + r.half.errors,
    })),
  );
  if (topStatements) {
    console.log(`pg_stat_statements, the peak run of ${processCounts.at(-1)} process(es):`);
    console.table(topStatements);
  }
}
