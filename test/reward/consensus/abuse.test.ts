import { describe, expect, it } from "vitest";
import { DEFAULT_ABUSE, detectAbuse, plausibleReadingMs, type TimedAnswer } from "../../../reward/consensus/abuse.ts";

const answer = (labelerId: string, i: number, over: Partial<TimedAnswer> = {}): TimedAnswer => ({
  labelerId,
  itemId: `i${i}`,
  shown: "left",
  textChars: 600,
  timeSpentMs: 30_000,
  ...over,
});

describe("abuse detection", () => {
  it("reads 600 characters in no less than 11.5 s at the default pace", () => {
    expect(plausibleReadingMs(600)).toBe(1500 + 10_000);
  });

  it("flags a labeler when at least 30% of their answers beat the reading time, not at 20%", () => {
    const sides = ["left", "right"];
    const fast = Array.from({ length: 10 }, (_, i) =>
      answer("fast", i, { shown: sides[i % 2], timeSpentMs: i < 3 ? 2000 : 30_000 }),
    );
    const fine = Array.from({ length: 10 }, (_, i) =>
      answer("fine", i, { shown: sides[i % 2], timeSpentMs: i < 2 ? 2000 : 30_000 }),
    );
    const findings = detectAbuse([...fast, ...fine], true);
    expect(findings).toEqual([
      { labelerId: "fast", kind: "too_fast", detail: { fast: 3, answers: 10, medianFastMs: 2000 } },
    ]);
  });

  it("ignores labelers with fewer answers than the minimum", () => {
    const few = Array.from({ length: DEFAULT_ABUSE.minAnswers - 1 }, (_, i) => answer("new", i, { timeSpentMs: 10 }));
    expect(detectAbuse(few, true)).toEqual([]);
  });

  it("catches a run of one screen side; a tie breaks the run", () => {
    const leftie = Array.from({ length: 12 }, (_, i) => answer("leftie", i));
    const broken = Array.from({ length: 12 }, (_, i) => answer("broken", i, { shown: i === 6 ? "tie" : "left" }));
    const findings = detectAbuse([...leftie, ...broken], true);
    expect(findings.map((f) => [f.labelerId, f.kind, f.detail.length])).toEqual([["leftie", "one_sided_streak", 12]]);
  });

  it("for labels, needs the run to disagree with the consensus on a third of its items", () => {
    const honest = Array.from({ length: 12 }, (_, i) => answer("honest", i, { shown: "cat", consensus: "cat" }));
    const lazy = Array.from({ length: 12 }, (_, i) =>
      answer("lazy", i, { shown: "cat", consensus: i % 3 === 0 ? "dog" : "cat" }),
    );
    const findings = detectAbuse([...honest, ...lazy], false);
    expect(findings).toEqual([
      {
        labelerId: "lazy",
        kind: "one_sided_streak",
        detail: { answer: "cat", length: 12, disagreeing: 4, answers: 12 },
      },
    ]);
  });
});
