import { describe, expect, it } from "vitest";
import { MIN_ANSWERS_TO_PAUSE, pauseReason } from "../../../reward/consensus/quality-policy.ts";

describe("the reason a labeler is paused on a project", () => {
  it("rounds like every page and says each flag in plain words", () => {
    const reason = pauseReason({ quality: 0.0134, answers: 14, flags: ["constant", "position-bias"] }, 0.3);
    expect(reason).toBe(
      "Your quality score 0.01 is below this project's minimum of 0.30 after 14 answers: you give the same answer " +
        "almost every time; you pick one side of the screen far more often than the other.",
    );
    expect(reason).not.toMatch(/\(constant\)|position-bias/);
  });

  it("pauses nobody without a threshold, above it, or before enough answers", () => {
    const low = { quality: 0.1, answers: MIN_ANSWERS_TO_PAUSE, flags: [] };
    expect(pauseReason(low, null)).toBeNull();
    expect(pauseReason({ ...low, quality: 0.3 }, 0.3)).toBeNull();
    expect(pauseReason({ ...low, answers: MIN_ANSWERS_TO_PAUSE - 1 }, 0.3)).toBeNull();
    expect(pauseReason(low, 0.3)).toMatch(/^Your quality score 0.10 is below .* after 10 answers\.$/);
  });
});
