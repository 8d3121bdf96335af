// `npm start` with WEB_CONCURRENCY=2 on PostgreSQL and an RPC chain: two app processes share the port, the job
// queue, the answer sweeper's watermark and the rate limits.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { queryRows } from "../../db/rows.ts";
import { sql } from "drizzle-orm";
import { inMemoryChain } from "../support/chain.ts";
import { createPostgresTestDb } from "../support/db.ts";
import { makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";
import { startRpcFacade, type RpcFacade } from "../support/rpc-facade.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PORT = 3296;
let h: DbHandle;
let facade: RpcFacade;
let closeChain: () => Promise<void>;
let server: ChildProcess;
let output = "";

/** One request on a connection of its own, so the cluster's round robin hands each to the next process. */
function post(pathname: string, headers: Record<string, string>, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "localhost", port: PORT, path: pathname, method: "POST", agent: false, headers },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 200_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen; the server said:\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  let url: string;
  ({ handle: h, url } = await createPostgresTestDb());
  const { chain, token } = await inMemoryChain();
  closeChain = () => chain.close();
  facade = await startRpcFacade(chain);
  const dataDir = makeTempDir("multi-process");
  const treasuryFile = path.join(dataDir, "treasury.json");
  writeFileSync(treasuryFile, JSON.stringify(Array.from(token.treasury.secretKey)));
  server = spawn(process.execPath, ["server.js"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(PORT),
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      SOLANA_RPC_URL: facade.url,
      PAIRWISE_MINT: token.mint.toBase58(),
      TREASURY_KEYPAIR: treasuryFile,
      WEB_CONCURRENCY: "2",
      RATE_LIMIT_ANSWERS_PER_MINUTE: "3",
      DB_POOL_SIZE: "4",
    },
  });
  server.stdout!.on("data", (d) => (output += d));
  server.stderr!.on("data", (d) => (output += d));
}, 60_000);

afterAll(async () => {
  server.kill("SIGTERM");
  await new Promise((resolve) => server.once("close", resolve));
  await facade.close();
  await closeChain();
  await h.close();
});

describe("two web processes and a jobs process on one PostgreSQL", () => {
  it(
    "both serve, share the answer limit, and the jobs process keeps the sweeper's watermark",
    { timeout: 240_000 },
    async () => {
      await until(
        "two processes listening",
        async () => (output.match(/listening on .* \(process \d+\)/g) ?? []).length === 2,
      );
      expect(output).toContain("Pairwise: 2 web processes on PostgreSQL (WEB_CONCURRENCY) and one for background jobs");
      await until("the jobs process", async () => /background jobs running \(process \d+\)/.test(output));

      const labeler = await makeUser(h.db, "labeler");
      const headers = {
        Authorization: `Bearer ${await createApiKey(h.db, { userId: labeler.id, name: "k" })}`,
        "Content-Type": "application/json",
      };
      const owner = await makeUser(h.db, "requester");
      const project = await makeProject(h.db, owner.id);
      await uploadPairs(h.db, project, 3);
      const tasks = `/api/v1/projects/${project.id}/tasks`;
      // Each action counts against the labeler's limit (3 a minute) in whichever process takes it.
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push(await post(tasks, headers, { intent: "skip", assignmentId: 999_999 }));
      expect(statuses.slice(0, 3)).not.toContain(429);
      expect(statuses[3]).toBe(429);

      // The sweeper keeps one watermark for both processes, in the database.
      const [mark] = await until("the sweeper's shared watermark", async () =>
        (await queryRows<{ name: string }>(h.db, sql`select name from worker_marks`)).length
          ? queryRows<{ name: string }>(h.db, sql`select name from worker_marks`)
          : null,
      );
      expect(mark.name).toBe("answer-sweeper");
    },
  );
});
