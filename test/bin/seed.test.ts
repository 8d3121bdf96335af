import { statSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS, seedDemo } from "../../bin/commands/seed.ts";
import { env } from "../../config/env.ts";
import { createServices, type Services } from "../../jobs/services.ts";
import type { DbHandle } from "../../db/client.ts";
import { listConsensusRuns, listLabelerQuality } from "../../db/queries/consensus.ts";
import { getFundsSummary, listProjectFunds } from "../../db/queries/funds.ts";
import { findUserByEmail } from "../../db/queries/identity.ts";
import { getLinkedWallet } from "../../db/queries/wallets.ts";
import { items } from "../../db/schema/index.ts";
import { loadKeypairFile } from "../../reward/tokens/chain/keypair-file.ts";
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
