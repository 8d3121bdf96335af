import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { DbHandle } from "../../db/client.ts";
import { claimJob, enqueueJob, finishJob } from "../../db/queries/jobs.ts";
import { jobs } from "../../db/schema/index.ts";
import { previousEpoch } from "../../reward/tokens/payouts/epochs.ts";
import { bootApp, call, csrfFormPost, request, sessionCookie } from "../support/app.ts";
import { makeProject, makeUser } from "../support/fixtures.ts";

let h: DbHandle;
let admin: string;
let labeler: string;

beforeAll(async () => {
  h = await bootApp();
  admin = await sessionCookie((await makeUser(h.db, "admin")).id);
  labeler = await sessionCookie((await makeUser(h.db, "labeler")).id);
});
afterAll(() => h.close());

const treasury = () => import("~/routes/admin+/treasury.tsx");
const day = (offset: number) => previousEpoch(new Date(), -offset).id;

async function payDay(epoch: string) {
  const { action } = await treasury();
  const response = await call(
    action as never,
    await csrfFormPost("/admin/treasury", admin, { intent: "payout", epoch }),
  );
  return (await response.json()) as { message: string | null; error: string | null };
}

const queuedPayouts = async (epoch: string) =>
  h.db
    .select()
    .from(jobs)
    .where(sql`${jobs.kind} = 'payout' and ${jobs.key} = ${epoch}`);

type Run = { what: string; status: string; outcome: string | null; queuedAt: string; finishedAt: string | null };
type Page = { yesterday: string; jobRuns: { payouts: Run[]; consensus: Run[]; at: number } };

async function treasuryPage(): Promise<Page> {
  const { loader } = await treasury();
  const response = await call(loader as never, request("/admin/treasury", { cookie: admin }));
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

describe("Treasury: paying a day", () => {
  it("offers yesterday (UTC), the latest finished day, as the default and the latest choice", async () => {
    expect((await treasuryPage()).yesterday).toBe(day(-1));
  });

  it("refuses today and future days with the reason, and queues nothing", async () => {
    const today = await payDay(day(0));
    expect(today.error).toBe(
      `${day(0)} has not ended yet (days end at midnight UTC): only a finished day can be paid, ${day(-1)} or earlier.`,
    );
    const future = await payDay(day(3));
    expect(future.error).toMatch(new RegExp(`^${day(3)} is still to come: only a finished day can be paid`));
    expect(await queuedPayouts(day(0))).toEqual([]);
    expect(await queuedPayouts(day(3))).toEqual([]);
  });

  it("refuses a day that is not on the calendar", async () => {
    expect((await payDay("2026-02-30")).error).toBe("Pick a day from the calendar, like 2026-11-23");
    expect((await payDay("yesterday")).error).toBe("Pick a day from the calendar, like 2026-11-23");
    expect(await queuedPayouts("2026-02-30")).toEqual([]);
  });

  it("queues a finished day's payout and says where to watch it", async () => {
    const result = await payDay(day(-2));
    expect(result).toEqual({
      message: `Payout for ${day(-2)} queued; its run is listed under Payout runs.`,
      error: null,
    });
    expect((await queuedPayouts(day(-2))).map((j) => j.status)).toEqual(["queued"]);
  });
});

describe("Treasury: job runs", () => {
  beforeAll(async () => {
    await h.db.delete(jobs);
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { title: "Sunny prompts" });
    // Oldest first: a payout that failed, one that paid, a consensus run, one running and one queued.
    const failed = await enqueueJob(h.db, { kind: "payout", key: "2026-03-01", payload: { epoch: "2026-03-01" } });
    await claimJob(h.db, { kinds: ["payout"], lockMs: 60_000 });
    await finishJob(h.db, { id: failed, error: "treasury holds too few tokens for this epoch" });
    const paid = await enqueueJob(h.db, { kind: "payout", key: "2026-03-02", payload: { epoch: "2026-03-02" } });
    await claimJob(h.db, { kinds: ["payout"], lockMs: 60_000 });
    await finishJob(h.db, {
      id: paid,
      result: {
        planned: true,
        labelers: [{ amount: "1500000" }, { amount: "250000" }],
        transactions: [{ status: "confirmed" }],
        awaitingWallet: 1,
      },
    });
    const consensus = await enqueueJob(h.db, { kind: "consensus", key: project.id, payload: {} });
    await claimJob(h.db, { kinds: ["consensus"], lockMs: 60_000 });
    await finishJob(h.db, { id: consensus, result: { status: "done", items: 12, labelers: 3 } });
    await enqueueJob(h.db, { kind: "settle-payouts", key: "all" });
    await claimJob(h.db, { kinds: ["settle-payouts"], lockMs: 60_000 });
    await enqueueJob(h.db, { kind: "payout", key: "2026-03-03", payload: { epoch: "2026-03-03" } });
    // Another kind of job is not the Treasury's.
    await enqueueJob(h.db, { kind: "train", key: "m1" });
  });

  it("lists every payout and settlement run, newest first, with its status, times and what came of it", async () => {
    const { payouts } = (await treasuryPage()).jobRuns;
    expect(payouts.map((r) => [r.what, r.status])).toEqual([
      ["Payout of 2026-03-03", "queued"],
      ["Settle payouts", "running"],
      ["Payout of 2026-03-02", "done"],
      ["Payout of 2026-03-01", "failed"],
    ]);
    const [queued, running, done, failed] = payouts;
    expect(failed.outcome).toBe("treasury holds too few tokens for this epoch");
    expect(done.outcome).toBe("2 labelers earned 1.75 PWT; 1 awaiting a wallet; 1 of 1 transaction landed on chain.");
    expect([queued.outcome, running.outcome]).toEqual([null, null]);
    expect(failed.queuedAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    expect(failed.finishedAt).toMatch(/ UTC$/);
    expect(running.finishedAt).toBeNull();
  });

  it("lists consensus runs with their project", async () => {
    const { consensus } = (await treasuryPage()).jobRuns;
    expect(consensus).toMatchObject([
      { what: "Consensus of Sunny prompts", status: "done", outcome: "12 items and 3 labelers scored." },
    ]);
  });

  it("serves the runs alone to admins, for the page to poll while any is queued or running", async () => {
    const { loader } = await import("~/routes/admin+/job-runs.ts");
    const polled = await call(loader as never, request("/admin/job-runs", { cookie: admin }));
    expect(polled.status).toBe(200);
    const runs = (await polled.json()) as Page["jobRuns"];
    expect(runs.payouts.map((r) => r.status)).toEqual(["queued", "running", "done", "failed"]);
    expect(runs.at).toBeGreaterThan(0);
    // A run that finishes shows up in the next poll.
    const [running] = await h.db.select().from(jobs).where(eq(jobs.kind, "settle-payouts"));
    await finishJob(h.db, { id: running.id, result: { batches: 2, confirmed: 2 } });
    const again = (await (
      await call(loader as never, request("/admin/job-runs", { cookie: admin }))
    ).json()) as Page["jobRuns"];
    expect(again.payouts[1]).toMatchObject({ status: "done", outcome: "2 of 2 batches landed on chain." });
    expect((await call(loader as never, request("/admin/job-runs", { cookie: labeler }))).status).toBe(403);
  });
});
