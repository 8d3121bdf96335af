import { describe, expect, it } from "vitest";
import { formatItemTime, payPerHour, projectSummary } from "~/utils/labeling-offer.ts";

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
});
