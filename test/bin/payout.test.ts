import { writeFileSync } from "node:fs";
import path from "node:path";
import { Keypair } from "@solana/web3.js";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { linkWallet } from "../../db/queries/wallets.ts";
import { payouts } from "../../db/schema/index.ts";
import { previousEpoch } from "../../reward/tokens/payouts/epochs.ts";
import { runCli } from "../support/cli.ts";
import { createPostgresTestDb } from "../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";
import { makeTempDir } from "../support/temp-dir.ts";

let h: DbHandle;
let url: string;
let dataDir: string;
const day = previousEpoch(new Date(), 2);
const labelers: string[] = [];
const unlinked = new Set<string>();

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, ...env } });
}
const payout = (...extra: string[]) => cli(["payout", "--epoch", day.id, ...extra]);

beforeAll(async () => {
  ({ handle: h, url } = await createPostgresTestDb());
  dataDir = makeTempDir("payout");
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, { labelsPerItem: 4, rewardPerLabel: 1_000n });
  await uploadPairs(h.db, project, 6);
  for (let i = 0; i < 4; i++) {
    const labeler = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: (n) => (n % 2 ? "b" : "a") });
    labelers.push(labeler.id);
    // Two of the four have not linked a wallet yet.
    if (i < 2) await linkWallet(h.db, { userId: labeler.id, address: Keypair.generate().publicKey.toBase58() });
    else unlinked.add(labeler.id);
  }
  await h.db.execute(
    sql`update labels set created_at = ${day.startsAt.toISOString()}::timestamptz + interval '1 hour', review_status = 'approved', reviewed_at = ${day.startsAt.toISOString()}::timestamptz + interval '1 hour'`,
  );
}, 120_000);
afterAll(() => h.close());

type Summary = {
  labelers: { labelerId: string; amount: string }[];
  awaitingWallet: number;
  awaitingWalletAmount: string;
  transactions: unknown[];
};
const owedTo = (summary: Summary, ids: Set<string>) =>
  summary.labelers.filter((l) => ids.has(l.labelerId)).reduce((sum, l) => sum + BigInt(l.amount), 0n);

describe("pairwise payout", () => {
  it("reports with --dry-run the labelers awaiting a wallet and their amount, as the payout then does", async () => {
    const dry = await payout("--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    const preview = JSON.parse(dry.stdout) as Summary;
    expect(preview.labelers.map((l) => l.labelerId).sort()).toEqual([...labelers].sort());
    expect(owedTo(preview, unlinked)).toBeGreaterThan(0n);
    expect(preview).toMatchObject({
      awaitingWallet: 2,
      awaitingWalletAmount: owedTo(preview, unlinked).toString(),
      transactions: [],
    });
    expect(await h.db.select().from(payouts)).toEqual([]);

    const paid = await payout();
    expect(paid.code, paid.stderr).toBe(0);
    const summary = JSON.parse(paid.stdout) as Summary;
    expect(summary.transactions.length).toBeGreaterThan(0);
    expect(summary.labelers).toEqual(expect.arrayContaining(preview.labelers));
    expect(summary).toMatchObject({
      awaitingWallet: preview.awaitingWallet,
      awaitingWalletAmount: preview.awaitingWalletAmount,
    });
  }, 120_000);

  it("refuses a database it cannot open with a one-line reason", async () => {
    const held = makeTempDir("payout-held");
    // The app holds the embedded database: its lock names a live process (this one).
    writeFileSync(path.join(held, "pglite.lock"), String(process.pid));
    for (const [env, reason] of [
      [{ DATABASE_URL: "", DATA_DIR: held }, /^pairwise payout: the embedded database in .* is in use by process \d+/],
      [
        { DATABASE_URL: "postgres://postgres@127.0.0.1:9/none" },
        /^pairwise payout: cannot reach DATABASE_URL's server/,
      ],
      [{ DATABASE_URL: `${url}_missing` }, /^pairwise payout: DATABASE_URL: database ".*_missing" does not exist/],
    ] as const) {
      const run = await cli(["payout", "--dry-run"], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(reason);
    }
  });
});
