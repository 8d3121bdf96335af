import { describe, expect, it } from "vitest";
import { AgreementTally, indexPairs, pairQuality } from "../../../reward/consensus/algorithms/index.ts";

describe("labeler quality (chance-corrected agreement)", () => {
  it("computes accuracy, chance, kappa and shrinkage from the tally by hand", () => {
    const tally = new AgreementTally(2, 2);
    const sure = (k: number) => Float64Array.from([k === 0 ? 1 : 0, k === 1 ? 1 : 0]);
    // Labeler 0: 8 answers, truth 0 four times and 1 four times; right 7 times.
    const truths = [0, 0, 0, 0, 1, 1, 1, 1];
    const answers = [0, 0, 0, 0, 1, 1, 1, 0];
    truths.forEach((t, i) => tally.add(0, answers[i], sure(t), 0));
    // Labeler 1: always answers 0 on the same tasks (a constant answerer).
    truths.forEach((t) => tally.add(1, 0, sure(t), 0));
    tally.addGold(0, true);
    const [careful, constant] = tally.summarize(["careful", "constant"]);
    // accuracy 7/8; answers 5/8 zeros, 3/8 ones; truth half and half → chance = 5/8·1/2 + 3/8·1/2 = 1/2.
    expect(careful.accuracy).toBe(7 / 8);
    expect(careful.chance).toBe(0.5);
    expect(careful.kappa).toBe(0.75);
    expect(careful.quality).toBeCloseTo(0.75 * (8 / 13), 12);
    expect(careful).toMatchObject({ goldAnswered: 1, goldCorrect: 1, flags: [] });
    // Right half the time, but only because half the truths are 0: chance is also 1/2, kappa 0.
    expect(constant).toMatchObject({
      accuracy: 0.5,
      chance: 0.5,
      kappa: 0,
      quality: 0,
      topAnswerShare: 1,
      flags: ["constant"],
    });
  });

  it("flags a labeler as adversarial only with enough answers against the truth", () => {
    const tally = new AgreementTally(2, 2);
    const sure = (k: number) => Float64Array.from([1 - k, k]);
    for (let i = 0; i < 20; i++) tally.add(0, 1 - (i % 2), sure(i % 2), 0); // always wrong, 20 answers
    for (let i = 0; i < 4; i++) tally.add(1, 1 - (i % 2), sure(i % 2), 0); // always wrong, 4 answers
    const [many, few] = tally.summarize(["many", "few"]);
    expect(many.kappa).toBe(-1);
    expect(many.flags).toEqual(["adversarial"]);
    expect(few.flags).toEqual([]);
    expect(few.quality).toBe(0);
  });
});

describe("pairwise labeler quality", () => {
  it("judges each answer by the order of the final scores and corrects for the left/right mix", () => {
    const p = indexPairs([
      { worker: "w", left: "a", right: "b", label: "left" },
      { worker: "w", left: "b", right: "a", label: "left" },
      { worker: "w", left: "a", right: "c", label: "left" },
      { worker: "w", left: "c", right: "b", label: "right" },
      { worker: "w", left: "a", right: "b", label: "tie" },
    ]);
    const scores = Float64Array.from([2, 1, 0]); // a > b > c
    const [q] = pairQuality(p, scores, { reliability: Float64Array.of(0.9), positionBias: Float64Array.of(0) });
    // Decided answers: a>b ✓, b>a ✗, a>c ✓, b>c ✓ → accuracy 3/4; left share 3/4, truth-left share 2/4.
    expect(q.accuracy).toBe(0.75);
    expect(q.chance).toBe(0.75 * 0.5 + 0.25 * 0.5);
    expect(q.kappa).toBe(0.5);
    expect(q).toMatchObject({ answers: 5, ties: 1, leftShare: 0.75 });
    expect(q.quality).toBeCloseTo(0.5 * (4 / 10), 12);
  });
});
