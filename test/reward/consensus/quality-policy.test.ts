import { describe, expect, it } from "vitest";
import {
  MIN_ANSWERS_TO_PAUSE,
  pauseEvidence,
  pauseReason,
  qualityUpperBound,
  type PauseInput,
} from "../../../reward/consensus/quality-policy.ts";

/** A labeler whose answers match the consensus `agreement` of the time, where chance would match half. */
const labeler = (over: Partial<PauseInput>): PauseInput => ({
  quality: 0,
  answers: 40,
  agreement: 0.5,
  chance: 0.5,
  flags: [],
  ...over,
});

describe("the reason a labeler is paused on a project", () => {
  it("rounds like every page, says the pause is confident and each flag in plain words", () => {
    const reason = pauseReason(
      labeler({ quality: 0.0134, answers: 14, agreement: 0.1, flags: ["constant", "position-bias"] }),
      0.3,
    );
    expect(reason).toBe(
      "Your quality score 0.01 is below this project's minimum of 0.30 after 14 answers, and confidently so: even " +
        "allowing for bad luck on some answers, yours point to a score of at most 0.00. You give the same answer " +
        "almost every time; you pick one side of the screen far more often than the other.",
    );
    expect(reason).not.toMatch(/\(constant\)|position-bias/);
  });

  it("pauses nobody without a threshold, at or above it, or before enough answers", () => {
    const low = labeler({ quality: 0.1, answers: MIN_ANSWERS_TO_PAUSE, agreement: 0.1 });
    expect(pauseReason(low, null)).toBeNull();
    expect(pauseReason({ ...low, quality: 0.3 }, 0.3)).toBeNull();
    expect(pauseReason({ ...low, answers: MIN_ANSWERS_TO_PAUSE - 1 }, 0.3)).toBeNull();
    expect(pauseReason(low, 0.3)).toMatch(/^Your quality score 0.10 is below .* after 10 answers, and confidently so/);
  });

  it("pauses an adversary at the first answers it may, and a random clicker once the answers rule out luck", () => {
    expect(pauseReason(labeler({ answers: 10, agreement: 0.1 }), 0.3)).not.toBeNull();
    // 5 of 10 right is what a 65%-right labeler (quality 0.30) gets often: not yet.
    expect(pauseReason(labeler({ answers: 10, agreement: 0.5 }), 0.3)).toBeNull();
    expect(qualityUpperBound({ answers: 10, agreement: 0.5, chance: 0.5 })).toBeGreaterThan(0.4);
    expect(pauseReason(labeler({ answers: 40, agreement: 0.5 }), 0.3)).toMatch(/at most 0\.25\.$/);
    // Against three classes, chance is a third, and random clicks are told apart sooner.
    expect(pauseReason(labeler({ answers: 20, agreement: 1 / 3, chance: 1 / 3 }), 0.3)).not.toBeNull();
  });

  it("does not pause a labeler whose score is just below the minimum on a few answers, as the old rule did", () => {
    // 7 of 10 right reads 0.27 with the few-answers hold-down: below 0.30, but a 90%-right labeler does that 7% of the time.
    const unlucky = labeler({ quality: 0.27, answers: 10, agreement: 0.7 });
    expect(pauseReason(unlucky, 0.3)).toBeNull();
    expect(qualityUpperBound(unlucky)).toBeGreaterThan(0.6);
    // The same share of matches over 400 answers is no bad luck, but the score is above the minimum then.
    expect(pauseReason({ ...unlucky, answers: 400, quality: 0.39 }, 0.3)).toBeNull();
    // A labeler whose answers, however many, sit just under the minimum is paused only once they are many.
    const justUnder = labeler({ quality: 0.25, agreement: 0.625 });
    expect(pauseReason({ ...justUnder, answers: 60 }, 0.3)).toBeNull();
    expect(pauseReason({ ...justUnder, answers: 2000 }, 0.3)).not.toBeNull();
  });

  it("judges the evidence against the other labelers when it is given, not the agreement that counts the own vote", () => {
    // A random clicker whose vote decided every split item reads 73% agreement with the consensus.
    const clicker = labeler({ quality: 0.25, answers: 60, agreement: 0.73 });
    expect(pauseReason(clicker, 0.3)).toBeNull();
    const evidence = { agreement: 0.5, chance: 0.5, weight: 48 };
    expect(pauseReason({ ...clicker, evidence }, 0.3)).not.toBeNull();
    // No answers from anybody else on their items: nothing counts against them.
    expect(pauseReason({ ...clicker, evidence: { agreement: 0, chance: 0, weight: 0 } }, 0.3)).toBeNull();
    // The minimum of 10 holds for the evidence too: 12 answers, only 9 of them on items the others agreed on.
    const adversary = labeler({ answers: 12, agreement: 0.1 });
    expect(pauseReason({ ...adversary, evidence: { agreement: 0, chance: 0.5, weight: 9 } }, 0.3)).toBeNull();
    expect(pauseReason({ ...adversary, evidence: { agreement: 0, chance: 0.5, weight: 10 } }, 0.3)).not.toBeNull();
  });
});

describe("the bound from the sides of the screen picked (pairwise, where the order is random)", () => {
  it("pauses a labeler who picks the left response every time once that rules out a score of 0.30", () => {
    // Their agreement with the others alone (about half) would need dozens of answers to say as much.
    const clicker = (n: number) =>
      labeler({
        quality: 0.01,
        answers: n,
        evidence: { agreement: 0.5, chance: 0.5, weight: n },
        sides: { left: n, right: 0 },
      });
    expect(pauseReason(clicker(17), 0.3)).toBeNull();
    expect(pauseReason(clicker(18), 0.3)).toMatch(/after 18 answers, and confidently so: .* at most 0\.29\./);
    expect(pauseReason({ ...clicker(18), sides: undefined }, 0.3)).toBeNull();
  });

  it("bounds nothing for a labeler who picks both sides, or on fewer than 10 decided answers", () => {
    const even = { answers: 40, agreement: 0.5, chance: 0.5 };
    expect(qualityUpperBound({ ...even, sides: { left: 20, right: 20 } })).toBeCloseTo(qualityUpperBound(even), 12);
    const sure = { answers: 40, agreement: 0.95, chance: 0.5 };
    expect(qualityUpperBound({ ...sure, sides: { left: 9, right: 0 } })).toBe(qualityUpperBound(sure));
    expect(qualityUpperBound({ ...sure, sides: { left: 40, right: 0 } })).toBeLessThan(0.15);
  });
});

describe("the evidence against the other labelers' answers", () => {
  it("leaves the own vote out, weighs each answer by how decided the others were, and counts gold in full", () => {
    const answers = [
      // item 1: the two others agree on a; x answered b.
      { item: "1", labeler: "x", value: "b" },
      { item: "1", labeler: "y", value: "a" },
      { item: "1", labeler: "z", value: "a" },
      // item 2: the others split: no evidence for x, whatever x answered.
      { item: "2", labeler: "x", value: "a" },
      { item: "2", labeler: "y", value: "a" },
      { item: "2", labeler: "z", value: "b" },
      // item 3: gold b; x alone.
      { item: "3", labeler: "x", value: "b", gold: "b" },
      // item 4: nobody else.
      { item: "4", labeler: "x", value: "a" },
    ];
    const e = pauseEvidence(answers);
    expect(e.get("x")).toEqual({ agreement: 0.5, chance: 0.5, weight: 2 });
    // y: x and z split on both items, so nothing counts for or against y.
    expect(e.get("y")).toBeUndefined();
    // z: item 1 split; on item 2 x and y agree on a, and z answered b.
    expect(e.get("z")).toEqual({ agreement: 0, chance: 0, weight: 1 });
  });

  it("counts a unanimous item as 1 and a 2-to-1 item as a third", () => {
    const four = ["p", "q", "r"].map((labeler) => ({ item: "1", labeler, value: "a" }));
    const e = pauseEvidence([...four, { item: "1", labeler: "s", value: "b" }]);
    expect(e.get("s")).toMatchObject({ agreement: 0, weight: 1 });
    expect(e.get("p")!.weight).toBeCloseTo(1 / 3, 12);
    expect(e.get("p")!.agreement).toBe(1);
  });
});

describe("the Beta bounds behind the pause", () => {
  it("maps the upper bound of agreement to the quality scale with the labeler's chance", () => {
    // Beta(1 + 36, 1 + 4): the 95% bound of agreement is about 0.95; (0.95 − 0.5) / 0.5 ≈ 0.9.
    expect(qualityUpperBound({ answers: 40, agreement: 0.9, chance: 0.5 })).toBeCloseTo(0.9, 1);
    expect(qualityUpperBound({ answers: 40, agreement: 0.1, chance: 0.5 })).toBe(0);
    expect(qualityUpperBound({ answers: 40, agreement: 1, chance: 1 })).toBe(0);
  });
});
