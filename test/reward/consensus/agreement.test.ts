import { describe, expect, it } from "vitest";
import {
  confidenceHistogram,
  fleissKappa,
  indexLabels,
  krippendorffAlpha,
  posteriorMax,
} from "../../../reward/consensus/algorithms/index.ts";

describe("Krippendorff's alpha (nominal)", () => {
  it("reproduces the worked example of Krippendorff (2011), with missing data: 0.743", () => {
    const coders = [
      "1 2 3 3 2 1 4 1 2 . . .",
      "1 2 3 3 2 2 4 1 2 5 . 3",
      ". 3 3 3 2 3 4 2 2 5 1 .",
      "1 2 3 3 2 4 4 1 2 5 1 .",
    ];
    const answers = coders.flatMap((row, c) =>
      row
        .split(" ")
        .map((label, unit) => ({ task: `u${unit}`, worker: `coder${c}`, label }))
        .filter((a) => a.label !== "."),
    );
    expect(krippendorffAlpha(answers)).toBeCloseTo(0.743, 3);
  });

  it("is 1 for perfect agreement, about 0 for independent answers, NaN with one class", () => {
    const same = ["x", "y", "x"].flatMap((l, t) => ["a", "b"].map((worker) => ({ task: `t${t}`, worker, label: l })));
    expect(krippendorffAlpha(same)).toBe(1);
    // Two coders who always disagree on a two-class scale: systematic disagreement.
    const opposite = ["x", "y", "x", "y"].flatMap((l, t) => [
      { task: `t${t}`, worker: "a", label: l },
      { task: `t${t}`, worker: "b", label: l === "x" ? "y" : "x" },
    ]);
    expect(krippendorffAlpha(opposite)).toBeLessThan(-0.5);
    expect(
      krippendorffAlpha([
        { task: "t", worker: "a", label: "x" },
        { task: "t", worker: "b", label: "x" },
      ]),
    ).toBeNaN();
  });
});

describe("Fleiss' kappa", () => {
  it("reproduces the textbook example (10 subjects, 14 raters, 5 categories): 0.210", () => {
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const answers = table.flatMap((row, s) =>
      row.flatMap((n, k) =>
        Array.from({ length: n }, (_, r) => ({ task: `s${s}`, worker: `r${k}.${r}`, label: `c${k}` })),
      ),
    );
    // P̄ = 0.37802, P_e = 0.21337 → κ = 0.20993
    expect(fleissKappa(indexLabels(answers))).toBeCloseTo(0.20993, 5);
  });
});

describe("confidence histogram", () => {
  it("counts per-task confidence into equal bins, 1 in the last bin", () => {
    const bins = confidenceHistogram([0.25, 0.5, 0.55, 0.99, 1, 1], 4);
    expect(bins.map((b) => b.count)).toEqual([0, 1, 2, 3]);
    expect(bins[0]).toMatchObject({ lower: 0, upper: 0.25 });
  });

  it("takes the largest posterior of each task", () => {
    expect(Array.from(posteriorMax(new Float64Array([0.2, 0.8, 0.6, 0.4]), 2))).toEqual([0.8, 0.6]);
  });
});
