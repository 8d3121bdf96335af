import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { latestJob } from "../../db/queries/jobs.ts";
import { createPostgresTestDb } from "../support/db.ts";
import { makeTempDir } from "../support/temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
let h: DbHandle;
let url: string;
let server: ChildProcess;
let output = "";

beforeAll(async () => {
  ({ handle: h, url } = await createPostgresTestDb());
  server = spawn(process.execPath, ["server.js"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "development", PORT: "3297", DATABASE_URL: url, DATA_DIR: makeTempDir("dev") },
  });
  server.stdout!.on("data", (d) => (output += d));
  server.stderr!.on("data", (d) => (output += d));
});

afterAll(async () => {
  server.kill("SIGTERM");
  await new Promise((resolve) => server.once("close", resolve));
  await h.close();
});

describe("npm run dev", () => {
  it("serves pages on PORT and runs the background worker", { timeout: 120_000 }, async () => {
    const deadline = Date.now() + 100_000;
    let page: Response | null = null;
    while (!page && Date.now() < deadline) {
      page = await fetch("http://localhost:3297/login").catch(() => null);
      if (!page) await new Promise((r) => setTimeout(r, 500));
    }
    expect(page?.status).toBe(200);
    // The worker queues yesterday's payout when it starts, then runs it.
    let job = await latestJob(h.db, { kind: "payout" });
    while ((!job || job.status === "queued" || job.status === "running") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      job = await latestJob(h.db, { kind: "payout" });
    }
    expect(job?.status, output).toBe("done");
    expect(output).not.toMatch(/browser bundle/);
  });
});
