import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  planEarnings,
  PayoutPlanError,
  qualityWeightPpm,
  totalsByLabeler,
  type LabelTally,
} from "../../../../reward/tokens/payouts/plan.ts";

const tally = (
  labelerId: string,
  projectId: string,
  labels: number,
  quality: number,
  adversarial = false,
): LabelTally => ({
  labelerId,
  projectId,
  labels,
  rewardPerLabel: 1_000n,
  quality,
  adversarial,
});

describe("payout planning", () => {
  it("pays labels × reward × quality, in bigint base units rounded down", () => {
    const [row] = planEarnings([tally("ann", "p", 3, 0.8333337)], new Map([["p", 10n ** 9n]]));
    expect(row).toMatchObject({ weightPpm: 833_333, earned: 2_499n, amount: 2_499n });
  });

  it("pays an adversary nothing whatever their score, and a random clicker (quality 0) nothing", () => {
    expect(qualityWeightPpm(0.9, true)).toBe(0);
    expect(qualityWeightPpm(0, false)).toBe(0);
    expect(qualityWeightPpm(Number.NaN, false)).toBe(0);
    expect(qualityWeightPpm(1.5, false)).toBe(1_000_000);
  });

  it("scales everyone on a project alike when earnings would pass its remaining budget", () => {
    const rows = planEarnings(
      [tally("ann", "p", 10, 1), tally("bob", "p", 30, 1), tally("cy", "q", 10, 1)],
      new Map([
        ["p", 10_000n],
        ["q", 50_000n],
      ]),
    );
    expect(rows.map((r) => r.amount)).toEqual([2_500n, 7_500n, 10_000n]);
    expect(totalsByLabeler(rows)).toEqual(
      new Map([
        ["ann", 2_500n],
        ["bob", 7_500n],
        ["cy", 10_000n],
      ]),
    );
  });

  it("never plans more than a project's remaining budget (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            labels: fc.integer({ min: 0, max: 10_000 }),
            quality: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        (rows, budget) => {
          const planned = planEarnings(
            rows.map((r, i) => tally(`l${i}`, "p", r.labels, r.quality)),
            new Map([["p", budget]]),
          );
          const total = planned.reduce((s, r) => s + r.amount, 0n);
          return total <= budget && planned.every((r) => r.amount >= 0n && r.amount <= r.earned);
        },
      ),
    );
  });

  it("refuses nonsense input", () => {
    expect(() => planEarnings([tally("ann", "p", 1.5, 1)], new Map([["p", 1n]]))).toThrow(PayoutPlanError);
    expect(() => planEarnings([tally("ann", "p", 1, 1)], new Map([["p", -1n]]))).toThrow(/negative remaining budget/);
  });
});
