import { describe, expect, it } from "vitest";
import {
  approvalDelayWords,
  formatDelayHours,
  formatItemTime,
  formatMeanDelay,
  payPerHour,
  projectSummary,
  requesterReviewWords,
  sortOffers,
} from "~/utils/labeling-offer.ts";

describe("what a labeler reads about a project", () => {
  it("summarises the instructions by their first paragraph of prose, as plain text cut at a word", () => {
    expect(projectSummary("")).toBeNull();
    expect(projectSummary("# Title only")).toBeNull();
    expect(projectSummary("## How\n\n```\ncode\n```\n\n- Pick *the* `right` one\n- then submit")).toBe(
      "Pick the right one then submit",
    );
    const long = projectSummary(`${"word ".repeat(60)}end`)!;
    expect(long.length).toBeLessThanOrEqual(201);
    expect(long).toMatch(/word…$/);
  });

  it("says item times in seconds, then in minutes", () => {
    expect(formatItemTime(400)).toBe("1 s");
    expect(formatItemTime(44_600)).toBe("45 s");
    expect(formatItemTime(150_000)).toBe("2.5 min");
    expect(formatItemTime(725_000)).toBe("12 min");
  });

  it("estimates pay per hour exactly in base units, keeping three significant digits", () => {
    expect(payPerHour(2_500n, 30_000)).toBe(300_000n);
    // 1,000 × 3,600,000 / 7,000 = 514,285.7…: an estimate, not a ledger amount.
    expect(payPerHour(1_000n, 7_000)).toBe(514_000n);
    expect(payPerHour(10n ** 18n, 1_000)).toBe(3_600n * 10n ** 18n);
    expect(payPerHour(1n, 0)).toBe(3_600_000n);
  });

  it("sorts by pay per hour with untimed projects last, or by items left, keeping newest first on ties", () => {
    const offers = [
      { id: "a", payPerHour: null, open: 5 },
      { id: "b", payPerHour: 300n, open: 1 },
      { id: "c", payPerHour: 900n, open: 5 },
      { id: "d", payPerHour: 300n, open: 9 },
    ];
    const ids = (sorted: typeof offers) => sorted.map((o) => o.id);
    expect(ids(sortOffers(offers, "new"))).toEqual(["a", "b", "c", "d"]);
    expect(ids(sortOffers(offers, "pay"))).toEqual(["c", "b", "d", "a"]);
    expect(ids(sortOffers(offers, "left"))).toEqual(["d", "a", "c", "b"]);
  });

  it("says approval delays in days and hours, and mean waits rounded as people read them", () => {
    expect([0, 1, 12, 24, 36, 72, 720].map(formatDelayHours)).toEqual([
      "at once",
      "1 hour",
      "12 hours",
      "1 day",
      "1 day 12 hours",
      "3 days",
      "30 days",
    ]);
    expect(approvalDelayWords(0)).toBe("Answers approved at once");
    expect(approvalDelayWords(72)).toBe("Answers approved within 3 days (automatically if nobody reviews them)");
    expect([0.25, 1, 13.24, 47.9, 60, 720].map(formatMeanDelay)).toEqual([
      "15 min",
      "1 h",
      "13.2 h",
      "47.9 h",
      "2.5 days",
      "30 days",
    ]);
  });

  it("never rounds a requester's approval rate up to 100% while some answers were rejected", () => {
    const figures = { meanApprovalHours: null, appealsDecided: 1, appealsOverturned: 1 };
    expect(requesterReviewWords({ ...figures, decided: 1000, approved: 999 }).approvalRate).toBe(
      "99% approved (999 of 1000 answers)",
    );
    expect(requesterReviewWords({ ...figures, decided: 1, approved: 1 })).toEqual({
      approvalRate: "100% approved (1 of 1 answer)",
      approvalTime: null,
      appeals: "1 of 1 appeal overturned",
    });
  });
});
