import { describe, expect, it } from "vitest";
import { explainStanding, qualityWarning, type Standing } from "../../../reward/consensus/quality-explanation.ts";

const standing = (over: Partial<Standing> = {}): Standing => ({
  title: "Helpfulness",
  taskType: "pairwise",
  threshold: 0.3,
  quality: 0.82,
  previousQuality: 0.8,
  answers: 40,
  agreement: 0.9,
  chance: 0.5,
  goldAnswered: 4,
  goldCorrect: 3,
  leftShare: 0.55,
  flags: [],
  pausedReason: null,
  ...over,
});

describe("the labeler's quality explained in plain words", () => {
  it("states the score, agreement against chance, gold and left share from their own numbers", () => {
    const text = explainStanding(standing()).join("\n");
    expect(text).toContain("Your quality score is 0.82 out of 1.");
    expect(text).toContain("Of your 40 answers, 90% match the consensus; answering at random would match about 50%.");
    expect(text).toContain("you got 3 of them right (75%)");
    expect(text).toContain("You chose the left-hand response in 55% of your decisive answers");
    expect(text).toContain("times this score");
  });

  it("words gold and screen order for a form project in answers to questions, not items", () => {
    const text = explainStanding(standing({ taskType: "form", goldAnswered: 6, goldCorrect: 5, leftShare: 0.4 })).join(
      "\n",
    );
    expect(text).toContain("5 of your 6 answers to them were right (83%)");
    expect(text).toContain("You put the response shown first ahead in 40% of your comparisons");
    expect(text).not.toMatch(/left-hand|of the items you answered/);
  });

  it("says what each flag means, and leaves out pairwise-only and gold lines where they do not apply", () => {
    const text = explainStanding(
      standing({ taskType: "label", goldAnswered: 0, leftShare: null, flags: ["adversarial"] }),
    ).join("\n");
    expect(text).toMatch(/answering against the truth on purpose/);
    expect(text).not.toMatch(/left-hand|known right answer/);
  });

  it("warns when the score falls by more than 0.05 or comes within 0.1 of the threshold, not otherwise", () => {
    expect(qualityWarning(standing())).toBeNull();
    expect(qualityWarning(standing({ quality: 0.7, previousQuality: 0.8 }))).toMatch(/fell from 0\.80 to 0\.70/);
    expect(qualityWarning(standing({ quality: 0.35, previousQuality: 0.36 }))).toMatch(
      /close to the project's minimum of 0\.30/,
    );
    expect(qualityWarning(standing({ quality: 0.35, previousQuality: 0.36, threshold: null }))).toBeNull();
    expect(qualityWarning(standing({ quality: 0.1, pausedReason: "below" }))).toBeNull();
  });
});
