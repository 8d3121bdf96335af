import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetsDir, DEMO_USERS, seedDemo } from "../../bin/commands/seed.ts";
import { env } from "../../config/env.ts";
import { createServices, type Services } from "../../jobs/services.ts";
import type { DbHandle } from "../../db/client.ts";
import { listConsensusRuns, listLabelerQuality } from "../../db/queries/consensus.ts";
import { getFundsSummary, listProjectFunds } from "../../db/queries/funds.ts";
import { findUserByEmail } from "../../db/queries/identity.ts";
import { getLinkedWallet } from "../../db/queries/wallets.ts";
import { items } from "../../db/schema/index.ts";
import { loadKeypairFile } from "../../reward/tokens/chain/keypair-file.ts";
import { runCli } from "../support/cli.ts";
import { createTestDb } from "../support/db.ts";
import { makeTempDir } from "../support/temp-dir.ts";

let h: DbHandle;
let services: Services;
// The embedded chain (and the demo requester's key) in a scratch folder, not ./data.
const dataDir = makeTempDir("seed");
beforeAll(async () => {
  h = await createTestDb();
  services = createServices(h.db, { ...env, DATA_DIR: dataDir });
});
afterAll(async () => {
  await services.close();
  await h.close();
});

describe("the demo seed", () => {
  it("creates the accounts and the real-data project, gives it a start of answers and consensus, and adds nothing when run again", async () => {
    const first = await seedDemo(services);
    expect(first).toMatchObject({ rows: 1054, inserted: 1054, demoAnswers: 180 });
    const stored = await h.db.select().from(items).where(eq(items.projectId, first.projectId));
    const gold = stored.filter((i) => i.gold !== null).length;
    expect(gold).toBeGreaterThan(70);
    expect(gold).toBeLessThan(150);
    const [run] = await listConsensusRuns(h.db, first.projectId);
    expect(run).toMatchObject({ answers: 180, items: 60, labelers: 3 });
    const quality = new Map((await listLabelerQuality(h.db, first.projectId)).map((q) => [q.email, q.quality]));
    expect(quality.get("labeler1@pairwise.test")!).toBeGreaterThan(quality.get("labeler3@pairwise.test")!);

    // Funded through the deposit path: a deposit row with the transaction's signature, from the linked demo wallet.
    const [deposit, ...others] = await listProjectFunds(h.db, first.projectId);
    expect(others).toEqual([]);
    expect(deposit).toMatchObject({ kind: "deposit", amount: 10_000_000_000n, signature: first.funding!.signature });
    expect(deposit.signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
    expect(await getFundsSummary(h.db, first.projectId)).toMatchObject({ funded: 10_000_000_000n });
    const keyFile = path.join(dataDir, "chain", "demo-requester.json");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const requester = (await findUserByEmail(h.db, DEMO_USERS[0].email))!;
    expect(await getLinkedWallet(h.db, requester.id)).toBe((await loadKeypairFile(keyFile)).publicKey.toBase58());

    const again = await seedDemo(services);
    expect(again).toMatchObject({ projectId: first.projectId, inserted: 0, demoAnswers: 0, funding: null });
    expect(await listProjectFunds(h.db, first.projectId)).toHaveLength(1);
    for (const u of DEMO_USERS) expect(await findUserByEmail(h.db, u.email)).toMatchObject({ role: u.role });
  }, 120_000);
});

describe("pairwise seed --datasets", () => {
  const seedFrom = (datasets: string, data: string) =>
    runCli(["seed", "--datasets", datasets], { env: { ...process.env, DATA_DIR: data, DATABASE_URL: "" } });

  /** A datasets folder with the given demo files copied from the real one, and `extra` files written as given. */
  function datasetsWith(files: string[], extra: Record<string, string> = {}) {
    const root = makeTempDir("seed-datasets");
    for (const name of [...files, ...Object.keys(extra)])
      mkdirSync(path.join(root, path.dirname(name)), { recursive: true });
    for (const name of files) copyFileSync(path.join(datasetsDir(), name), path.join(root, name));
    for (const [name, content] of Object.entries(extra)) writeFileSync(path.join(root, name), content);
    return root;
  }

  it("names the missing or unreadable file and what belongs there, before it opens the database", async () => {
    const nowhere = path.join(makeTempDir("seed-empty"), "nowhere");
    const partial = datasetsWith(["oasst/en_100_tree.jsonl", "llmbar/mt_bench_human.json"]);
    const broken = datasetsWith(["oasst/en_100_tree.jsonl"], { "llmbar/mt_bench_human.json": "[{" });
    for (const [datasets, reason] of [
      [nowhere, `${nowhere}/oasst/en_100_tree.jsonl does not exist (expected the Open-Assistant trees there)`],
      [partial, `${partial}/llmbar/natural.json does not exist (expected the LLMBar Natural set there)`],
      [
        broken,
        `${broken}/llmbar/mt_bench_human.json: cannot be read as the MT-Bench human judgements in LLMBar's format (`,
      ],
    ]) {
      const data = makeTempDir("seed-data");
      const run = await seedFrom(datasets, data);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr.startsWith(`pairwise seed: ${reason}`), run.stderr).toBe(true);
      expect(readdirSync(data)).toEqual([]);
    }
  });
});
