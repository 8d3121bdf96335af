import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS, seedDemo } from "../../bin/commands/seed.ts";
import { env } from "../../config/env.ts";
import { createServices } from "../../jobs/services.ts";
import type { DbHandle } from "../../db/client.ts";
import { listConsensusRuns, listLabelerQuality } from "../../db/queries/consensus.ts";
import { findUserByEmail } from "../../db/queries/identity.ts";
import { items } from "../../db/schema/index.ts";
import { createTestDb } from "../support/db.ts";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

describe("the demo seed", () => {
  it("creates the accounts and the real-data project, gives it a start of answers and consensus, and adds nothing when run again", async () => {
    const first = await seedDemo(createServices(h.db, env));
    expect(first).toMatchObject({ rows: 1054, inserted: 1054, demoAnswers: 180 });
    const stored = await h.db.select().from(items).where(eq(items.projectId, first.projectId));
    const gold = stored.filter((i) => i.gold !== null).length;
    expect(gold).toBeGreaterThan(70);
    expect(gold).toBeLessThan(150);
    const [run] = await listConsensusRuns(h.db, first.projectId);
    expect(run).toMatchObject({ answers: 180, items: 60, labelers: 3 });
    const quality = new Map((await listLabelerQuality(h.db, first.projectId)).map((q) => [q.email, q.quality]));
    expect(quality.get("labeler1@pairwise.test")!).toBeGreaterThan(quality.get("labeler3@pairwise.test")!);

    const again = await seedDemo(createServices(h.db, env));
    expect(again).toMatchObject({ projectId: first.projectId, inserted: 0, demoAnswers: 0 });
    for (const u of DEMO_USERS) expect(await findUserByEmail(h.db, u.email)).toMatchObject({ role: u.role });
  }, 120_000);
});
