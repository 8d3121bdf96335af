import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Keypair } from "@solana/web3.js";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { createApiKey } from "../../db/queries/identity.ts";
import { linkWallet } from "../../db/queries/wallets.ts";
import { payoutRoots, payouts } from "../../db/schema/index.ts";
import { loadKeypairFile } from "../../reward/tokens/chain/keypair-file.ts";
import { LiteSvmChain } from "../../reward/tokens/chain/litesvm.ts";
import { previousEpoch } from "../../reward/tokens/payouts/epochs.ts";
import { call, request } from "../support/app.ts";
import { runCli } from "../support/cli.ts";
import { createPostgresTestDb } from "../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";
import { startRpcFacade } from "../support/rpc-facade.ts";
import { makeTempDir } from "../support/temp-dir.ts";

let h: DbHandle;
let url: string;
let dataDir: string;
const epoch = previousEpoch(new Date(), 2).id;
const wallets = new Map<string, string>();
let ana = "";
let anaKey = "";

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, ...env } });
}
const verify = (wallet: string, day = epoch, extra: string[] = [], env: Record<string, string> = {}) =>
  cli(["verify-payout", "--epoch", day, "--wallet", wallet, ...extra], env);

beforeAll(async () => {
  ({ handle: h, url } = await createPostgresTestDb());
  dataDir = makeTempDir("verify-payout");
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, { labelsPerItem: 4, rewardPerLabel: 1_000n });
  await uploadPairs(h.db, project, 6);
  for (let i = 0; i < 4; i++) {
    const labeler = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: (n) => (n % 2 ? "b" : "a") });
    const address = Keypair.generate().publicKey.toBase58();
    await linkWallet(h.db, { userId: labeler.id, address });
    wallets.set(labeler.id, address);
    if (i === 0) ana = labeler.id;
  }
  anaKey = await createApiKey(h.db, { userId: ana, name: "cli" });
  const day = previousEpoch(new Date(), 2);
  await h.db.execute(
    sql`update labels set created_at = ${day.startsAt.toISOString()}::timestamptz + interval '1 hour', review_status = 'approved', reviewed_at = ${day.startsAt.toISOString()}::timestamptz + interval '1 hour'`,
  );
  const paid = await cli(["payout", "--epoch", epoch]);
  expect(paid.code, paid.stderr).toBe(0);
}, 120_000);
afterAll(() => h.close());

const out = (run: { stdout: string }) => JSON.parse(run.stdout);

describe("pairwise verify-payout, proof from the database, root from the embedded chain", () => {
  it("verifies a real payout: its amount is a leaf of the root memo the treasury signed", async () => {
    const run = await verify(wallets.get(ana)!);
    expect(run.code, run.stderr).toBe(0);
    const [row] = await h.db.select().from(payouts).where(eq(payouts.labelerId, ana));
    const [root] = await h.db.select().from(payoutRoots).where(eq(payoutRoots.id, row.rootId!));
    expect(out(run)).toEqual({
      verified: true,
      epoch,
      wallet: wallets.get(ana),
      amount: row.amount.toString(),
      root: root.root,
      rootSignature: root.signature,
    });
  });

  it("exits 1 with verified false for a wallet or an epoch that was not paid", async () => {
    for (const run of [
      await verify(Keypair.generate().publicKey.toBase58()),
      await verify(wallets.get(ana)!, previousEpoch(new Date(), 3).id),
      await verify(wallets.get(ana)!, "refund-0b7f5c2e-6d1a-4c3b-9e8f-1a2b3c4d5e6f"),
    ]) {
      expect(run.code).toBe(1);
      expect(out(run)).toMatchObject({ verified: false, reason: expect.stringMatching(/no payout to/) });
    }
  });

  it("exits 1 with verified false when the ledger no longer matches the root on chain", async () => {
    const where = and(eq(payouts.labelerId, ana), eq(payouts.epochId, epoch));
    await h.db
      .update(payouts)
      .set({ amount: sql`${payouts.amount} + 1` })
      .where(where);
    try {
      const run = await verify(wallets.get(ana)!);
      expect(run.code).toBe(1);
      expect(out(run)).toMatchObject({ verified: false, reason: expect.stringMatching(/does not lead to the root/) });
    } finally {
      await h.db
        .update(payouts)
        .set({ amount: sql`${payouts.amount} - 1` })
        .where(where);
    }
  });

  it("refuses bad input with a one-line reason", async () => {
    for (const [args, reason] of [
      [["--epoch", epoch], /--wallet ADDR is required/],
      [["--epoch", epoch, "--wallet", "not-a-wallet"], /--wallet must be a base58 Solana address/],
      [["--epoch", "2026-02-30", "--wallet", wallets.get(ana)!], /--epoch must be a UTC day/],
      [["--epoch", epoch, "--wallet", wallets.get(ana)!, "--url", "http://127.0.0.1:9"], /--api-key KEY is required/],
    ] as const) {
      const run = await cli(["verify-payout", ...args]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(reason);
    }
  });
});

describe("pairwise verify-payout --url, proof from the app's API, root over JSON-RPC", () => {
  let chain: LiteSvmChain;
  let rpc: { url: string; close(): Promise<void> };
  let api: Server;
  let base = "";
  let treasury = "";
  let tamper = false;

  beforeAll(async () => {
    // The app's proof route over HTTP, on the same database; the chain the payout wrote, behind an RPC facade.
    globalThis.__pairwiseDb = Promise.resolve(h);
    const { loader } = await import("~/routes/api.v1+/payouts.$epoch.proof.ts");
    api = createServer(async (req, res) => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const day = /^\/api\/v1\/payouts\/([^/]+)\/proof$/.exec(req.url ?? "")?.[1] ?? "";
      const response = await call(loader as never, request(req.url!, { headers }), { epoch: decodeURIComponent(day) });
      let body = await response.text();
      if (tamper && response.ok) {
        const proof = JSON.parse(body);
        body = JSON.stringify({ ...proof, amount: String(BigInt(proof.amount) * 2n) });
      }
      res.writeHead(response.status, { "Content-Type": "application/json" }).end(body);
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    chain = LiteSvmChain.open({ snapshotPath: path.join(dataDir, "chain", "litesvm.json") });
    rpc = await startRpcFacade(chain);
    treasury = (await loadKeypairFile(path.join(dataDir, "chain", "treasury.json"))).publicKey.toBase58();
  });
  afterAll(async () => {
    await rpc.close();
    await chain.close();
    await new Promise((resolve) => api.close(resolve));
  });

  const viaApi = (key: string, wallet = wallets.get(ana)!, treasuryAddress = treasury) =>
    verify(wallet, epoch, ["--url", base, "--api-key", key, "--treasury", treasuryAddress], {
      SOLANA_RPC_URL: rpc.url,
    });

  it("verifies the caller's own payout against the memo read from the cluster", async () => {
    const run = await viaApi(anaKey);
    expect(run.code, run.stderr).toBe(0);
    expect(out(run)).toMatchObject({ verified: true, epoch, wallet: wallets.get(ana) });
  });

  it("exits 1 for another wallet than the caller's, a doctored proof, or a root another key signed", async () => {
    const other = [...wallets.values()][1];
    const notMine = await viaApi(anaKey, other);
    expect(notMine.code).toBe(1);
    expect(out(notMine)).toMatchObject({ verified: false, reason: expect.stringMatching(/the proof is for/) });

    tamper = true;
    try {
      const doctored = await viaApi(anaKey);
      expect(doctored.code).toBe(1);
      expect(out(doctored)).toMatchObject({ verified: false, reason: expect.stringMatching(/does not lead/) });
    } finally {
      tamper = false;
    }

    const impostor = await viaApi(anaKey, wallets.get(ana)!, Keypair.generate().publicKey.toBase58());
    expect(impostor.code).toBe(1);
    expect(out(impostor)).toMatchObject({
      verified: false,
      reason: expect.stringMatching(/not signed by the treasury/),
    });

    const badKey = await viaApi("pw_not_a_key");
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/refused the key/);
  });
});
