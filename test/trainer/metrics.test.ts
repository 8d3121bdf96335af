import { describe, expect, it } from "vitest";
import { bradleyTerryLoss, brierScore, expectedCalibrationError, pairAccuracy } from "../../trainer/metrics.ts";

describe("held-out measures", () => {
  it("counts right, wrong and level margins, leaving ties out", () => {
    expect(pairAccuracy([2, -1, 0, 3], [false, false, false, true])).toEqual({ accuracy: 1.5 / 3, n: 3 });
    expect(pairAccuracy([], [])).toEqual({ accuracy: Number.NaN, n: 0 });
  });

  it("weights the Bradley-Terry loss and counts a tie as half a win each way", () => {
    const sp = (x: number) => Math.log1p(Math.exp(x));
    const loss = bradleyTerryLoss([
      { margin: 1, weight: 2, tie: false },
      { margin: 0.5, weight: 1, tie: true },
    ]);
    expect(loss).toBeCloseTo((2 * sp(-1) + 0.5 * sp(-0.5) + 0.5 * sp(0.5)) / 3, 12);
    expect(bradleyTerryLoss([{ margin: -800, weight: 1, tie: false }])).toBeCloseTo(800, 9);
  });

  it("scores calibration from both sides of each pair", () => {
    const logit = (p: number) => Math.log(p / (1 - p));
    expect(brierScore([logit(0.8), logit(0.6)])).toBeCloseTo((0.2 ** 2 + 0.4 ** 2) / 2, 12);
    // Four pairs at P = 0.75 of which the model is right about all: the 0.75 bin holds four wins (error 0.25
    // each) and the 0.25 bin four losses (error 0.25 each).
    expect(expectedCalibrationError([logit(0.75), logit(0.75), logit(0.75), logit(0.75)])).toBeCloseTo(0.25, 12);
    // Margins of zero say 50/50 and half the outcomes seen from both sides are wins: perfectly calibrated.
    expect(expectedCalibrationError([0, 0, 0])).toBeCloseTo(0, 12);
  });
});
