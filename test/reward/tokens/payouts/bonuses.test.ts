// A bonus goes through the payout ledger like an answer: paid on chain by the next payout, exactly once, whatever
// crashes on the way; in the labeler's ledger row, and so under the epoch's Merkle root.
import path from "node:path";
import { Keypair, PublicKey } from "@solana/web3.js";
import { getAssociatedTokenAddressSync } from "@solana/spl-token";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../../../db/client.ts";
import { createBonuses, listLabelerBonuses } from "../../../../db/queries/bonuses.ts";
import { getFundsSummary } from "../../../../db/queries/funds.ts";
import { linkWallet } from "../../../../db/queries/wallets.ts";
import { bonuses, earnings, payoutBatches, payouts } from "../../../../db/schema/index.ts";
import { loadKeypairFile } from "../../../../reward/tokens/chain/keypair-file.ts";
import { LiteSvmChain } from "../../../../reward/tokens/chain/litesvm.ts";
import { previousEpoch } from "../../../../reward/tokens/payouts/epochs.ts";
import { rootedPayoutProof, verifyProofOnChain } from "../../../../reward/tokens/payouts/proofs.ts";
import { verifyAgainstMemo } from "../../../../app/utils/payout-verify.ts";
import { PAYOUT_TEST_SUPPLY, runPayoutCli } from "../../../support/cli.ts";
import { createPostgresTestDb } from "../../../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../../../support/fixtures.ts";
import { makeTempDir } from "../../../support/temp-dir.ts";

let h: DbHandle;
let url: string;
let dataDir: string;

const payout = (epoch: string, crashAt?: string) => runPayoutCli({ url, dataDir }, epoch, crashAt);

beforeAll(async () => {
  ({ handle: h, url } = await createPostgresTestDb());
  dataDir = makeTempDir("bonus-payout");
});
afterAll(() => h.close());

describe("a bonus in a payout killed at every step and restarted", () => {
  it("is paid on chain once, in the labeler's ledger row, and verifies against the epoch's root", async () => {
    const yesterday = previousEpoch(new Date());
    const inYesterday = sql`${yesterday.startsAt.toISOString()}::timestamptz + interval '2 hours'`;
    const owner = await makeUser(h.db, "requester");
    const project = await makeProject(h.db, owner.id, { labelsPerItem: 3, rewardPerLabel: 1_000n, funded: 10n ** 7n });
    await uploadPairs(h.db, project, 6);
    const [answering, bonusOnly, plain] = [
      await makeUser(h.db, "labeler"),
      await makeUser(h.db, "labeler"),
      await makeUser(h.db, "labeler"),
    ];
    const wallets = new Map<string, string>();
    for (const labeler of [answering, bonusOnly, plain]) {
      await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a", limit: 3 });
      const address = Keypair.generate().publicKey.toBase58();
      await linkWallet(h.db, { userId: labeler.id, address });
      wallets.set(labeler.id, address);
    }
    // Yesterday's answers, approved: all but the bonus-only labeler's, whose answers are today's and still pending.
    await h.db.execute(
      sql`update labels set created_at = ${inYesterday}, review_status = 'approved', reviewed_at = ${inYesterday}
          where project_id = ${project.id} and labeler_id <> ${bonusOnly.id}`,
    );
    const given = await createBonuses(h.db, {
      projectId: project.id,
      reason: "Thorough work",
      createdBy: owner.id,
      grants: [
        { labelerId: answering.id, amount: 5_000n },
        { labelerId: bonusOnly.id, amount: 7_000n },
      ],
    });
    await h.db.execute(sql`update bonuses set created_at = ${inYesterday} where project_id = ${project.id}`);

    const crashes = [
      "planned",
      "rooted",
      "root-signed",
      "root-sent",
      "root-confirmed",
      "batched",
      "signed:1",
      "sent:1",
      "confirmed:1",
    ];
    const killed: string[] = [];
    for (const point of crashes) {
      const run = await payout(yesterday.id, point);
      if (run.signal === "SIGKILL") killed.push(point);
      else expect(run.code, run.stderr).toBe(0);
    }
    expect(killed).toEqual(expect.arrayContaining(["planned", "rooted", "root-signed", "batched"]));
    const last = await payout(yesterday.id);
    expect(last.code, last.stderr).toBe(0);
    // Once more, for good measure: a paid epoch pays nothing again.
    expect((await payout(yesterday.id)).code).toBe(0);

    // The bonuses were paid by yesterday's epoch, once each.
    const paidBonuses = await h.db.select().from(bonuses).where(eq(bonuses.projectId, project.id));
    expect(paidBonuses.map((b) => b.paidEpochId)).toEqual([yesterday.id, yesterday.id]);
    const ledger = await h.db.select().from(payouts).where(eq(payouts.epochId, yesterday.id));
    expect(ledger).toHaveLength(3);
    expect(ledger.every((r) => r.status === "paid")).toBe(true);
    const earned = async (labelerId: string) =>
      (
        await h.db
          .select()
          .from(earnings)
          .where(and(eq(earnings.epochId, yesterday.id), eq(earnings.labelerId, labelerId)))
      ).reduce((n, e) => n + e.amount, 0n);
    const rowOf = (labelerId: string) => ledger.find((r) => r.labelerId === labelerId)!;
    // The ledger row is the answers' earnings plus the bonus; the bonus-only labeler's row is the bonus alone.
    expect(rowOf(answering.id).amount).toBe((await earned(answering.id)) + 5_000n);
    expect(await earned(bonusOnly.id)).toBe(0n);
    expect(rowOf(bonusOnly.id).amount).toBe(7_000n);
    expect(rowOf(plain.id).amount).toBe(await earned(plain.id));
    const batches = await h.db.select().from(payoutBatches);
    expect(batches.every((b) => b.status === "confirmed")).toBe(true);
    expect(batches.reduce((n, b) => n + b.recipients, 0)).toBe(3);

    // The project's funds count the bonuses as committed and paid.
    const funds = await getFundsSummary(h.db, project.id);
    expect(funds.committed).toBe(ledger.reduce((n, r) => n + r.amount, 0n));
    expect(funds.paid).toBe(funds.committed);

    // The Wallet's reading: paid in yesterday's payout, with the batch's signature.
    const mine = await listLabelerBonuses(h.db, { labelerId: bonusOnly.id });
    expect(mine).toMatchObject([{ id: given.bonuses[1].id, status: "paid", paidEpochId: yesterday.id }]);
    expect(mine[0].signature).toBe(batches.find((b) => b.id === rowOf(bonusOnly.id).batchId)!.signature);

    // A bonus given now waits for the next payout; yesterday's run does not take it.
    await createBonuses(h.db, {
      projectId: project.id,
      reason: "Another",
      createdBy: owner.id,
      grants: [{ labelerId: bonusOnly.id, amount: 1_000n }],
    });
    expect((await payout(yesterday.id)).code).toBe(0);
    expect((await listLabelerBonuses(h.db, { labelerId: bonusOnly.id })).map((b) => b.status)).toEqual([
      "waiting",
      "paid",
    ]);

    const chain = LiteSvmChain.open({ snapshotPath: path.join(dataDir, "chain", "litesvm.json") });
    try {
      const mint = (await loadKeypairFile(path.join(dataDir, "chain", "mint.json"))).publicKey;
      const treasury = (await loadKeypairFile(path.join(dataDir, "chain", "treasury.json"))).publicKey;
      let paid = 0n;
      for (const row of ledger) {
        const account = getAssociatedTokenAddressSync(mint, new PublicKey(wallets.get(row.labelerId)!), true);
        expect(await chain.getTokenBalance(account)).toBe(row.amount);
        paid += row.amount;
      }
      expect(PAYOUT_TEST_SUPPLY - (await chain.getTokenBalance(getAssociatedTokenAddressSync(mint, treasury)))).toBe(
        paid,
      );
      // Each labeler's Merkle proof, bonus included, verifies against the root posted on chain.
      for (const labeler of [answering, bonusOnly]) {
        const found = (await rootedPayoutProof(h.db, { epochId: yesterday.id, labelerId: labeler.id }))!;
        expect(found.matchesStoredRoot).toBe(true);
        expect(found.proof.amount).toBe(rowOf(labeler.id).amount);
        const checked = await verifyProofOnChain(chain, {
          proof: found.proof,
          rootSignature: found.root.signature!,
          treasury,
        });
        expect(checked).toMatchObject({ verified: true });
        const browser = { ...found.proof, amount: found.proof.amount.toString() };
        expect(await verifyAgainstMemo(browser, checked.memoText!)).toBe(true);
        // Without the bonus the leaf would not verify: the bonus is under the root.
        const withoutBonus = {
          ...browser,
          amount: (found.proof.amount - (labeler === bonusOnly ? 7_000n : 5_000n)).toString(),
        };
        expect(await verifyAgainstMemo(withoutBonus, checked.memoText!)).toBe(false);
      }
    } finally {
      await chain.close();
    }
  }, 240_000);
});
