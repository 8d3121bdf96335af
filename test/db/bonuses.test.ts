import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import {
  bonusHeadroom,
  createBonuses,
  createTopBonuses,
  InsufficientFundsError,
  listLabelerBonuses,
  listProjectBonuses,
  topLabelersByQuality,
} from "../../db/queries/bonuses.ts";
import { getFundsSummary } from "../../db/queries/funds.ts";
import { leaseNextTask } from "../../db/queries/labeling.ts";
import { bonuses, labelerQuality } from "../../db/schema/index.ts";
import { createTestDb } from "../support/db.ts";
import { answerTasks, makeProject, makeUser, uploadPairs } from "../support/fixtures.ts";

let h: DbHandle;

beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

/** A project funded with `funded`, reward 100 per label, and `n` labelers who answered `each` items. */
async function projectWithLabelers(params: { funded: bigint; n: number; each: number }) {
  const owner = await makeUser(h.db, "requester");
  const project = await makeProject(h.db, owner.id, {
    rewardPerLabel: 100n,
    labelsPerItem: 10,
    budget: 10n ** 9n,
    funded: params.funded,
  });
  await uploadPairs(h.db, project, 10);
  const labelers = [];
  for (let i = 0; i < params.n; i++) {
    const labeler = await makeUser(h.db, "labeler");
    await answerTasks(h.db, { projectId: project.id, labelerId: labeler.id, answer: () => "a", limit: params.each });
    labelers.push(labeler);
  }
  return { owner, project, labelers };
}

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected a refusal");
};

describe("a bonus is paid only from what the project can spare", () => {
  it("holds back the full rate of every answer awaiting pay and every live lease", async () => {
    // 2 labelers × 5 answers × 100 = 1,000 held for the answers; 10,000 funded leaves 9,000.
    const { owner, project, labelers } = await projectWithLabelers({ funded: 10_000n, n: 2, each: 5 });
    expect(await bonusHeadroom(h.db, project.id)).toEqual({ remaining: 10_000n, reserved: 1_000n, available: 9_000n });
    // A live lease holds another 100.
    const leaser = await makeUser(h.db, "labeler");
    expect(await leaseNextTask(h.db, { projectId: project.id, labelerId: leaser.id })).not.toBeNull();
    expect((await bonusHeadroom(h.db, project.id))!.available).toBe(8_900n);

    const request = { projectId: project.id, reason: "Great rationales", createdBy: owner.id };
    const tooMuch = await refusal(
      createBonuses(h.db, {
        ...request,
        grants: [
          { labelerId: labelers[0].id, amount: 4_500n },
          { labelerId: labelers[1].id, amount: 4_401n },
        ],
        describe: (n) => `${n} units`,
      }),
    );
    expect(tooMuch).toBeInstanceOf(InsufficientFundsError);
    expect(tooMuch.code).toBe("insufficient_funds");
    expect(tooMuch.message).toContain("can pay only 8900 units more");
    // Refused as a whole: nothing was written for either labeler.
    expect(await listProjectBonuses(h.db, { projectId: project.id })).toEqual([]);

    const { bonuses: paid, replayed } = await createBonuses(h.db, {
      ...request,
      grants: [
        { labelerId: labelers[0].id, amount: 4_500n },
        { labelerId: labelers[1].id, amount: 4_400n },
      ],
    });
    expect(replayed).toBe(false);
    expect(paid.map((b) => [b.labelerId, b.amount, b.kind])).toEqual([
      [labelers[0].id, 4_500n, "bonus"],
      [labelers[1].id, 4_400n, "bonus"],
    ]);
    // Committed at once: the funds summary counts them, and nothing is left to give.
    expect((await getFundsSummary(h.db, project.id)).committed).toBe(8_900n);
    expect((await bonusHeadroom(h.db, project.id))!.available).toBe(0n);
    const one = await refusal(createBonuses(h.db, { ...request, grants: [{ labelerId: labelers[0].id, amount: 1n }] }));
    expect(one.code).toBe("insufficient_funds");
  });

  it("refuses amounts of 0 or less, above int8, an empty reason and a labeler named twice", async () => {
    const { owner, project, labelers } = await projectWithLabelers({ funded: 10_000n, n: 1, each: 1 });
    const base = { projectId: project.id, reason: "thanks", createdBy: owner.id };
    const id = labelers[0].id;
    expect((await refusal(createBonuses(h.db, { ...base, grants: [{ labelerId: id, amount: 0n }] }))).code).toBe(
      "invalid_amount",
    );
    expect((await refusal(createBonuses(h.db, { ...base, grants: [{ labelerId: id, amount: -5n }] }))).code).toBe(
      "invalid_amount",
    );
    expect((await refusal(createBonuses(h.db, { ...base, grants: [{ labelerId: id, amount: 2n ** 63n }] }))).code).toBe(
      "invalid_amount",
    );
    expect(
      (await refusal(createBonuses(h.db, { ...base, reason: "  ", grants: [{ labelerId: id, amount: 1n }] }))).code,
    ).toBe("invalid_reason");
    const twice = [
      { labelerId: id, amount: 1n },
      { labelerId: id, amount: 1n },
    ];
    expect((await refusal(createBonuses(h.db, { ...base, grants: twice }))).code).toBe("duplicate_labeler");
    expect(await listProjectBonuses(h.db, { projectId: project.id })).toEqual([]);
  });
});

describe("who may be given a bonus", () => {
  it("only labelers who answered on the project, not others, not its requester", async () => {
    const { owner, project, labelers } = await projectWithLabelers({ funded: 10_000n, n: 1, each: 2 });
    const elsewhere = await projectWithLabelers({ funded: 10_000n, n: 1, each: 2 });
    const stranger = await makeUser(h.db, "labeler");
    for (const labelerId of [stranger.id, elsewhere.labelers[0].id, owner.id]) {
      const refused = await refusal(
        createBonuses(h.db, {
          projectId: project.id,
          reason: "thanks",
          createdBy: owner.id,
          grants: [
            { labelerId: labelers[0].id, amount: 10n },
            { labelerId, amount: 10n },
          ],
        }),
      );
      expect(refused.code).toBe("not_a_labeler");
    }
    expect(await h.db.select().from(bonuses).where(eq(bonuses.projectId, project.id))).toEqual([]);
  });
});

describe("a bonus request sent again with its idempotency key", () => {
  it("returns the rows written the first time and pays nothing twice", async () => {
    const { owner, project, labelers } = await projectWithLabelers({ funded: 10_000n, n: 2, each: 1 });
    const request = {
      projectId: project.id,
      reason: "Thanks for the careful work",
      createdBy: owner.id,
      idempotencyKey: "req-1",
      grants: labelers.map((l) => ({ labelerId: l.id, amount: 300n })),
    };
    const first = await createBonuses(h.db, request);
    expect(first.replayed).toBe(false);
    const again = await createBonuses(h.db, request);
    const concurrent = await Promise.all([createBonuses(h.db, request), createBonuses(h.db, request)]);
    const replay = { bonuses: first.bonuses, replayed: true };
    expect(again).toEqual(replay);
    expect(concurrent).toEqual([replay, replay]);
    // Even when the replay names other amounts, the first request's rows stand.
    expect(await createBonuses(h.db, { ...request, grants: [{ labelerId: labelers[0].id, amount: 900n }] })).toEqual(
      replay,
    );
    expect(await listProjectBonuses(h.db, { projectId: project.id })).toHaveLength(2);
    expect((await getFundsSummary(h.db, project.id)).committed).toBe(600n);
    // Another key is another request.
    await createBonuses(h.db, { ...request, idempotencyKey: "req-2" });
    expect((await getFundsSummary(h.db, project.id)).committed).toBe(1_200n);
  });
});

describe("the top N labelers by quality", () => {
  it("are the N best scored, ties in the order they first answered, and each is paid the same", async () => {
    const { owner, project, labelers } = await projectWithLabelers({ funded: 100_000n, n: 5, each: 1 });
    const scores = [0.6, 0.9, 0.75, 0.9, 0.5];
    for (const [i, quality] of scores.entries())
      await h.db.insert(labelerQuality).values({
        projectId: project.id,
        labelerId: labelers[i].id,
        quality,
        answers: 1,
        agreement: quality,
        chance: 0.5,
      });
    const top = await topLabelersByQuality(h.db, { projectId: project.id, n: 3 });
    // 0.9 twice (labeler 1 answered before labeler 3), then 0.75.
    expect(top.map((t) => t.labelerId)).toEqual([labelers[1].id, labelers[3].id, labelers[2].id]);
    expect(await topLabelersByQuality(h.db, { projectId: project.id, n: 3 })).toEqual(top);
    expect(await topLabelersByQuality(h.db, { projectId: project.id, n: 50 })).toHaveLength(5);

    const { bonuses: paid } = await createTopBonuses(h.db, {
      projectId: project.id,
      top: 2,
      amount: 1_000n,
      reason: "Top 2 this week",
      createdBy: owner.id,
    });
    expect(paid.map((b) => [b.labelerId, b.amount])).toEqual([
      [labelers[1].id, 1_000n],
      [labelers[3].id, 1_000n],
    ]);
  });

  it("refuses when nobody is scored yet", async () => {
    const { owner, project } = await projectWithLabelers({ funded: 10_000n, n: 2, each: 1 });
    const refused = await refusal(
      createTopBonuses(h.db, { projectId: project.id, top: 3, amount: 10n, reason: "top", createdBy: owner.id }),
    );
    expect(refused.code).toBe("no_labelers");
  });
});

describe("the lists of bonuses", () => {
  it("show the project, reason, amount and that it waits for the next payout", async () => {
    const { owner, project, labelers } = await projectWithLabelers({ funded: 10_000n, n: 1, each: 1 });
    await createBonuses(h.db, {
      projectId: project.id,
      reason: "Excellent",
      createdBy: owner.id,
      grants: [{ labelerId: labelers[0].id, amount: 250n }],
    });
    const mine = await listLabelerBonuses(h.db, { labelerId: labelers[0].id });
    expect(mine).toMatchObject([
      {
        projectId: project.id,
        title: project.title,
        reason: "Excellent",
        amount: 250n,
        kind: "bonus",
        paidEpochId: null,
        status: "waiting",
        signature: null,
      },
    ]);
    expect(await listProjectBonuses(h.db, { projectId: project.id })).toEqual(mine);
  });
});
