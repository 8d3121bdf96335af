import { describe, expect, it } from "vitest";
import {
  explainStanding,
  pauseExplanation,
  qualityWarning,
  type Standing,
} from "../../../reward/consensus/quality-explanation.ts";
import { formatQuality } from "../../../reward/consensus/quality-format.ts";
import { MIN_ANSWERS_TO_PAUSE } from "../../../reward/consensus/quality-policy.ts";

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

  it("says that a pause needs the score to be confidently below the minimum, where the project has one", () => {
    const text = explainStanding(standing()).join("\n");
    expect(text).toContain(
      "This project pauses a labeler only when their score is confidently below its minimum of 0.30: after at least 10 answers, and only when, even allowing for bad luck on some answers, their answers point to a score below it. A few unlucky answers do not pause anyone.",
    );
    expect(explainStanding(standing({ threshold: null })).join("\n")).not.toMatch(/pauses a labeler/);
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

  it("warns when the score falls by more than 0.05 or is confidently within 0.1 of the threshold, not otherwise", () => {
    expect(qualityWarning(standing())).toBeNull();
    expect(qualityWarning(standing({ quality: 0.7, previousQuality: 0.8 }))).toMatch(/fell from 0\.80 to 0\.70/);
    // 400 answers at 65.5% agreement against 50% chance: the score cannot be much above 0.31.
    const near = { quality: 0.31, previousQuality: 0.32, answers: 400, agreement: 0.655 };
    expect(qualityWarning(standing(near))).toBe(
      "Your quality on Helpfulness (0.31) is close to the project's minimum of 0.30; if your answers go on like this, you will be paused on this project.",
    );
    expect(qualityWarning(standing({ ...near, threshold: null }))).toBeNull();
    expect(qualityWarning(standing({ quality: 0.1, pausedReason: "below" }))).toBeNull();
  });

  it("does not alarm a careful labeler whose score dipped near the minimum on a few unlucky answers", () => {
    // 8 of 12 matching is within luck for a 90%-right labeler; the score, held low by few answers, reads 0.24.
    const unlucky = standing({ quality: 0.24, previousQuality: 0.26, answers: 12, agreement: 8 / 12 });
    expect(qualityWarning(unlucky)).toBeNull();
    // The same score over many answers is no luck: warned.
    expect(qualityWarning({ ...unlucky, answers: 400, agreement: 0.62 })).toMatch(/close to the project's minimum/);
  });

  it("gives no warning before the labeler has the answers a pause needs, whatever the score does", () => {
    const early = { answers: MIN_ANSWERS_TO_PAUSE - 1 };
    expect(qualityWarning(standing({ ...early, quality: 0.22, previousQuality: 0.5 }))).toBeNull();
    expect(qualityWarning(standing({ ...early, quality: 0.31, previousQuality: 0.31 }))).toBeNull();
    const enough = { answers: MIN_ANSWERS_TO_PAUSE };
    expect(qualityWarning(standing({ ...enough, quality: 0.22, previousQuality: 0.5 }))).toMatch(/fell from 0\.50/);
    // Near the minimum with an agreement whose best plausible score is too: 1 of 10 matching.
    expect(qualityWarning(standing({ ...enough, quality: 0.31, previousQuality: 0.31, agreement: 0.1 }))).toMatch(
      /close to/,
    );
  });

  it("says there are not enough answers yet instead of presenting an early score as a verdict", () => {
    const [first] = explainStanding(standing({ answers: 4, quality: 0.22, agreement: 0.75 }));
    expect(first).toMatch(/^Not enough answers yet: 4 of yours have been scored, and a score settles only from 10\./);
    expect(first).toContain("held low on purpose");
    expect(first).toContain("so far it is 0.22 out of 1");
    expect(explainStanding(standing({ answers: 10 }))[0]).toMatch(/^Your quality score is 0\.82 out of 1\./);
  });

  it("rounds every score, threshold and previous score to two decimals", () => {
    expect(formatQuality(0.013)).toBe("0.01");
    expect(formatQuality(0.126)).toBe("0.13");
    expect(formatQuality(1)).toBe("1.00");
    const fell = qualityWarning(standing({ quality: 0.2049, previousQuality: 0.3951 }));
    expect(fell).toContain("fell from 0.40 to 0.20");
  });

  it("explains a pause in plain words from the numbers, not the stored reason with its flag names", () => {
    const paused = standing({
      quality: 0.013,
      answers: 14,
      flags: ["constant"],
      pausedReason: "Your quality score 0.01 is below this project's minimum of 0.30 after 14 answers (constant).",
    });
    expect(pauseExplanation(paused)).toBe(
      "You are paused on this project: your quality score 0.01 is below its minimum of 0.30 after 14 answers, and confidently so, not through a few unlucky answers. What lowered it is explained below. Once a later score is no longer confidently below the minimum, you can label here again.",
    );
    expect(pauseExplanation(standing())).toBeNull();
    expect(explainStanding(paused).join("\n")).toContain("You give the same answer almost every time");
  });
});
