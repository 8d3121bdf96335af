import { Keypair, PublicKey } from "@solana/web3.js";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../../../db/client.ts";
import { listBudgets } from "../../../../db/queries/payouts/statements.ts";
import { planEpoch, type EpochTally, type EpochWindow } from "../../../../db/queries/payouts/ledger.ts";
import { linkWallet } from "../../../../db/queries/wallets.ts";
import { earnings, payoutBatches, payouts, projects } from "../../../../db/schema/index.ts";
import { LiteSvmChain } from "../../../../reward/tokens/chain/litesvm.ts";
import { startRpcFacade } from "../../../support/rpc-facade.ts";
import { RpcChain } from "../../../../reward/tokens/chain/rpc.ts";
import type { PlatformToken } from "../../../../reward/tokens/chain/setup.ts";
import { previousEpoch } from "../../../../reward/tokens/payouts/epochs.ts";
import { ensureFreshConsensus } from "../../../../reward/consensus/project-run.ts";
import {
  runPayout,
  settleBatch,
  settlePayouts,
  type PayoutContext,
} from "../../../../reward/tokens/payouts/executor.ts";
import { inMemoryChain } from "../../../support/chain.ts";
import { createTestDb } from "../../../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../../../support/fixtures.ts";

let h: DbHandle;
let chain: LiteSvmChain;
let token: PlatformToken;
let ctx: PayoutContext;

beforeAll(async () => {
  h = await createTestDb();
  ({ chain, token } = await inMemoryChain());
  ctx = {
    db: h.db,
    chain,
    token,
    pollIntervalMs: 1,
    refreshConsensus: (projectId) => ensureFreshConsensus(h.db, projectId),
  };
});
afterAll(async () => {
  await chain.close();
  await h.close();
});

const answerAll = (projectId: string, labelerId: string, answer: (n: number) => string, limit?: number) =>
  answerTasks(h.db, { projectId, labelerId, answer, limit });

const balanceOf = async (owner: string) => {
  const account = getAssociatedTokenAddressSync(token.mint, new PublicKey(owner), true);
  return (await chain.getAccountInfo(account)) ? chain.getTokenBalance(account) : 0n;
};

const daysAgo = (days: number) => previousEpoch(new Date(), days);

/** Dates the project's answers (those given after `after`, if set) an hour into `epoch`. */
const dateAnswers = (projectId: string, epoch: EpochWindow, after?: Date) =>
  h.db
    .execute(sql`update labels set created_at = ${epoch.startsAt.toISOString()}::timestamptz + interval '1 hour', review_status = 'approved', reviewed_at = ${epoch.startsAt.toISOString()}::timestamptz + interval '1 hour'
    where project_id = ${projectId}${after ? sql` and created_at > ${after.toISOString()}` : sql``}`);

/** Twelve pairs answered on `epoch` by three labelers with linked wallets; their addresses by labeler id. */
async function threeLabelersWithWallets(epoch: EpochWindow): Promise<Map<string, string>> {
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, { labelsPerItem: 3, rewardPerLabel: 10_000n });
  await uploadPairs(h.db, project, 12);
  const wallets = new Map<string, string>();
  for (let l = 0; l < 3; l++) {
    const labeler = await makeUser(h.db, "labeler");
    await answerAll(project.id, labeler.id, (i) => (i % 2 ? "b" : "a"));
    wallets.set(labeler.id, Keypair.generate().publicKey.toBase58());
    await linkWallet(h.db, { userId: labeler.id, address: wallets.get(labeler.id)! });
  }
  await dateAnswers(project.id, epoch);
  return wallets;
}

describe("payouts on the embedded chain", () => {
  const wallets = new Map<string, string>();
  const noWallet: string[] = [];
  const careless = new Set<string>();
  let projectId = "";

  const day = daysAgo;
  const moveLabelsTo = (epoch: EpochWindow) => dateAnswers(projectId, epoch);

  beforeAll(async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, {
      labelsPerItem: 25,
      rewardPerLabel: 1_000_000n,
      budget: 10n ** 12n,
    });
    projectId = project.id;
    // 60 items answered now, 10 more for a second day's answers.
    await uploadPairs(h.db, project, 70);
    // 180 labelers with 8 answers each; the better response is A for even items. 150 of them have wallets.
    for (let i = 0; i < 180; i++) {
      const labeler = await makeUser(h.db, "labeler");
      await answerAll(project.id, labeler.id, (item) => (item % 2 === 0 || i % 7 === 0 ? "a" : "b"), 8);
      if (i % 7 === 0) careless.add(labeler.id);
      if (i < 150) {
        const address = Keypair.generate().publicKey.toBase58();
        await linkWallet(h.db, { userId: labeler.id, address });
        wallets.set(labeler.id, address);
      } else noWallet.push(labeler.id);
    }
    await moveLabelsTo(day(2));
  }, 120_000);

  it("refuses to plan a day that has not ended", async () => {
    await expect(runPayout(ctx, { epoch: day(0) })).rejects.toThrow(/has not ended yet/);
  });

  it("pays every labeler with a wallet exactly what the ledger says, in batches, and accrues the rest", async () => {
    const treasuryBefore = await chain.getTokenBalance(token.treasuryTokenAccount);
    const summary = await runPayout(ctx, { epoch: day(2) });
    expect(summary.planned).toBe(true);
    const ledger = await h.db.select().from(payouts);
    const amount = new Map(ledger.map((r) => [r.labelerId, r.amount]));
    // Every careful labeler is owed something; one who always clicks A (right half the time) earns far less.
    const careful = [...wallets.keys(), ...noWallet].filter((id) => !careless.has(id));
    for (const id of careful) expect(amount.get(id)).toBeGreaterThan(0n);
    const carefulAmounts = careful.map((id) => amount.get(id)!).sort((x, y) => (x < y ? -1 : 1));
    for (const id of careless)
      expect(amount.get(id) ?? 0n).toBeLessThan(carefulAmounts[carefulAmounts.length >> 1] / 2n);

    const withWallet = ledger.filter((r) => wallets.has(r.labelerId)).length;
    expect(summary.labelers).toHaveLength(ledger.length);
    expect(summary.awaitingWallet).toBe(ledger.length - withWallet);
    expect(summary.transactions.length).toBeGreaterThan(1);
    expect(summary.transactions.every((t) => t.status === "confirmed")).toBe(true);
    expect(summary.transactions.reduce((n, t) => n + t.recipients, 0)).toBe(withWallet);

    let paid = 0n;
    for (const row of ledger) {
      expect(row.amount).toBeGreaterThan(0n);
      if (wallets.has(row.labelerId)) {
        expect(row.status).toBe("paid");
        expect(await balanceOf(wallets.get(row.labelerId)!)).toBe(row.amount);
        paid += row.amount;
      } else {
        expect(row.status).toBe("queued");
      }
    }
    expect(treasuryBefore - (await chain.getTokenBalance(token.treasuryTokenAccount))).toBe(paid);
    const [budget] = (await listBudgets(h.db)).filter((b) => b.id === projectId);
    expect(BigInt(budget.paid)).toBe(paid);
  });

  it("pays nothing more when run again", async () => {
    const batches = (await h.db.select().from(payoutBatches)).length;
    const again = await runPayout(ctx, { epoch: day(2) });
    expect(again.planned).toBe(false);
    expect((await h.db.select().from(payoutBatches)).length).toBe(batches);
    for (const row of (await h.db.select().from(payouts)).filter((r) => wallets.has(r.labelerId))) {
      expect(await balanceOf(wallets.get(row.labelerId)!)).toBe(row.amount);
    }
  });

  it("pays an accrued balance once the labeler links a wallet", async () => {
    const owed = new Set((await h.db.select().from(payouts)).map((r) => r.labelerId));
    const late = noWallet.filter((id) => owed.has(id)).slice(0, 5);
    expect(late).toHaveLength(5);
    for (const id of late) {
      const address = Keypair.generate().publicKey.toBase58();
      await linkWallet(h.db, { userId: id, address });
      wallets.set(id, address);
    }
    await settlePayouts(ctx);
    for (const id of late) {
      const [row] = await h.db.select().from(payouts).where(eq(payouts.labelerId, id));
      expect(row.status).toBe("paid");
      expect(await balanceOf(wallets.get(id)!)).toBe(row.amount);
    }
  });

  it("with token accounts in place and a lookup table, fits at least 45 transfers in one transaction", async () => {
    // A second epoch for the same labelers, one more answer each, as they answered before: their accounts exist now.
    for (const labelerId of [...wallets.keys(), ...noWallet])
      await answerAll(projectId, labelerId, (item) => (item % 2 === 0 || careless.has(labelerId) ? "a" : "b"), 1);
    await dateAnswers(projectId, day(1), day(2).endsAt);
    const summary = await runPayout(ctx, { epoch: day(1) });
    const full = summary.transactions.filter((t) => t.status === "confirmed");
    expect(Math.max(...full.map((t) => t.recipients))).toBeGreaterThanOrEqual(45);
    const fees = await h.db
      .select({ fee: payoutBatches.feeLamports, n: payoutBatches.recipients })
      .from(payoutBatches)
      .where(
        sql`${payoutBatches.id} in (${sql.join(
          full.map((t) => sql`${t.batch}`),
          sql`, `,
        )})`,
      );
    const totalFee = fees.reduce((s, f) => s + (f.fee ?? 0n), 0n);
    const recipients = fees.reduce((s, f) => s + f.n, 0);
    expect(Number(totalFee) / recipients).toBeLessThanOrEqual(150);
  });
});

describe("a payout whose blockhash expired before it was sent", () => {
  it("is looked up, then rebuilt only after expiry, and pays once", async () => {
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 2, rewardPerLabel: 500n });
    await uploadPairs(h.db, project, 3);
    const address = Keypair.generate().publicKey.toBase58();
    const [a, b] = [await makeUser(h.db, "labeler"), await makeUser(h.db, "labeler")];
    await answerAll(project.id, a.id, () => "a");
    await answerAll(project.id, b.id, () => "a");
    await linkWallet(h.db, { userId: a.id, address });
    await linkWallet(h.db, { userId: b.id, address: Keypair.generate().publicKey.toBase58() });

    const crash = new Error("crashed after signing");
    const epoch = daysAgo(3);
    await dateAnswers(project.id, epoch);
    await expect(
      runPayout(
        {
          ...ctx,
          onStep: (s) => {
            if (s === "signed") throw crash;
          },
        },
        { epoch },
      ),
    ).rejects.toBe(crash);
    const [signed] = await h.db.select().from(payoutBatches).where(eq(payoutBatches.status, "signed"));
    expect(signed.rawTx).toBeInstanceOf(Uint8Array);

    chain.advance(151);
    const settled = await settleBatch(ctx, signed);
    expect(settled.status).toBe("confirmed");
    const [row] = await h.db.select().from(payoutBatches).where(eq(payoutBatches.id, signed.id));
    expect(row.expiredSignatures).toEqual([signed.signature]);
    expect(row.signature).not.toBe(signed.signature);
    expect(await chain.getSignatureStatuses([signed.signature!])).toEqual([null]);
    const [paid] = await h.db.select().from(payouts).where(eq(payouts.labelerId, a.id));
    expect(await balanceOf(address)).toBe(paid.amount);
  });
});

describe("a project's budget", () => {
  it("caps what its labelers are paid across epochs, on chain as in the ledger", async () => {
    const owner = await makeUser(h.db, "requester");
    // Funded for all the answers; the requester then lowers the budget cap below what they earned, so pay
    // scaling (the backstop behind leasing's funds check) has to hold the line.
    const project = await makeProject(h.db, owner.id, {
      labelsPerItem: 2,
      rewardPerLabel: 1_000_000n,
      budget: 100_000_000n,
    });
    await uploadPairs(h.db, project, 20);
    const wallets: string[] = [];
    for (let l = 0; l < 2; l++) {
      const labeler = await makeUser(h.db, "labeler");
      await answerAll(project.id, labeler.id, (i) => (i % 2 ? "b" : "a"), 10);
      const address = Keypair.generate().publicKey.toBase58();
      await linkWallet(h.db, { userId: labeler.id, address });
      wallets.push(address);
    }
    await h.db.update(projects).set({ budget: 3_000n }).where(eq(projects.id, project.id));
    const first = daysAgo(5);
    await dateAnswers(project.id, first);
    await runPayout(ctx, { epoch: first });
    const [budget] = (await listBudgets(h.db)).filter((b) => b.id === project.id);
    expect(BigInt(budget.committed)).toBeLessThanOrEqual(3_000n);
    expect(BigInt(budget.committed)).toBeGreaterThan(2_990n);
    expect(BigInt(budget.paid)).toBe(BigInt(budget.committed));
    const onChain = (await Promise.all(wallets.map(balanceOf))).reduce((s, b) => s + b, 0n);
    expect(onChain).toBe(BigInt(budget.paid));

    // The budget is spent: no more tasks are served, and nothing more is paid.
    for (let l = 0; l < 2; l++) {
      const labeler = await makeUser(h.db, "labeler");
      await expect(answerAll(project.id, labeler.id, (i) => (i % 2 ? "b" : "a"), 10)).rejects.toMatchObject({
        code: "out_of_funds",
      });
    }
    const second = daysAgo(4);
    await dateAnswers(project.id, second, first.endsAt);
    await runPayout(ctx, { epoch: second });
    const [after] = (await listBudgets(h.db)).filter((b) => b.id === project.id);
    expect(BigInt(after.committed)).toBeLessThanOrEqual(3_000n);
  });
});

describe("two epochs planned at once", () => {
  it("cannot both commit a project's remaining budget", async () => {
    const owner = await makeUser(h.db, "requester");
    const labeler = await makeUser(h.db, "labeler");
    const project = await makeProject(h.db, owner.id, { rewardPerLabel: 1n, budget: 1_000n });
    await uploadPairs(h.db, project, 2);
    await answerAll(project.id, labeler.id, () => "a");
    // One answer on each of the two days.
    const [first, second] = [daysAgo(20), daysAgo(21)];
    await h.db
      .execute(sql`update labels set created_at = ${first.startsAt.toISOString()}::timestamptz + interval '1 hour',
        review_status = 'approved', reviewed_at = ${first.startsAt.toISOString()}::timestamptz + interval '1 hour'
      where id = (select min(id) from labels where project_id = ${project.id})`);
    await h.db
      .execute(sql`update labels set created_at = ${second.startsAt.toISOString()}::timestamptz + interval '1 hour',
        review_status = 'approved', reviewed_at = ${second.startsAt.toISOString()}::timestamptz + interval '1 hour'
      where id = (select max(id) from labels where project_id = ${project.id})`);
    // Each planner takes all the budget it sees as left for the answers it pays.
    const takeAll = (tallies: EpochTally[], remaining: Map<string, bigint>) =>
      tallies.map((t) => {
        const amount = remaining.get(t.projectId)!;
        return { ...t, weightPpm: 1_000_000, earned: amount, amount };
      });
    // Both planners start while another transaction holds the project's row, so both wait for the lock.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holder = h.db.transaction(async (tx) => {
      await tx.execute(sql`select id from projects where id = ${project.id} for update`);
      await held;
    });
    const plans = [first, second].map((window) => planEpoch(h.db, { window, plan: takeAll }));
    await new Promise((r) => setTimeout(r, 200));
    release();
    await holder;
    expect(await Promise.all(plans)).toEqual([true, true]);
    const committed = await h.db
      .select({ amount: earnings.amount })
      .from(earnings)
      .where(eq(earnings.projectId, project.id));
    expect(committed.reduce((sum, e) => sum + e.amount, 0n)).toBe(1_000n);
    // Each answer was counted by exactly one of the two epochs.
    const counted = await h.db
      .select({ labels: earnings.labels })
      .from(earnings)
      .where(eq(earnings.projectId, project.id));
    expect(counted.reduce((n, e) => n + e.labels, 0)).toBe(2);
  });
});

describe("the payout executor over JSON-RPC", () => {
  it("pays through RpcChain against the embedded chain behind an RPC facade, exactly as on the embedded chain", async () => {
    const { chain: embedded, token: embeddedToken } = await inMemoryChain();
    const facade = await startRpcFacade(embedded);
    const rpc = new RpcChain({ url: facade.url });
    try {
      const epoch = daysAgo(8);
      const wallets = await threeLabelersWithWallets(epoch);
      const summary = await runPayout({ ...ctx, chain: rpc, token: embeddedToken, pollIntervalMs: 5 }, { epoch });
      expect(summary.transactions.map((t) => t.status)).toEqual(["confirmed"]);
      const rows = await h.db
        .select()
        .from(payouts)
        .where(
          sql`${payouts.epochId} = ${epoch.id} and ${payouts.labelerId} in (${sql.join(
            [...wallets.keys()].map((id) => sql`${id}`),
            sql`, `,
          )})`,
        );
      expect(rows).toHaveLength(3);
      for (const row of rows) {
        const account = getAssociatedTokenAddressSync(
          embeddedToken.mint,
          new PublicKey(wallets.get(row.labelerId)!),
          true,
        );
        expect(await embedded.getTokenBalance(account)).toBe(row.amount);
      }
    } finally {
      await rpc.close();
      await facade.close();
      await embedded.close();
    }
  });
});

describe("two payout executors at once", () => {
  it("pay a batch once: an executor that read the batch before the other signed and sent it sends nothing new", async () => {
    const epoch = daysAgo(9);
    const wallets = await threeLabelersWithWallets(epoch);
    const stop = (step: string) => (s: string) => {
      if (s === step) throw new Error(`stopped after ${step}`);
    };
    await expect(runPayout({ ...ctx, onStep: stop("batched") }, { epoch })).rejects.toThrow("stopped after batched");
    const [stale] = await h.db.select().from(payoutBatches).where(eq(payoutBatches.status, "new"));
    expect(stale).toBeDefined();
    // Executor A signs and sends; executor B still holds the batch as it was before A signed it.
    await expect(settleBatch({ ...ctx, onStep: stop("sent") }, stale)).rejects.toThrow("stopped after sent");
    const settled = await settleBatch(ctx, stale);
    expect(settled.status).toBe("confirmed");
    const rows = await h.db.select().from(payouts).where(eq(payouts.epochId, epoch.id));
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.status).toBe("paid");
      expect(await balanceOf(wallets.get(row.labelerId)!)).toBe(row.amount);
    }
  });
});
