import path from "node:path";
import { describe, expect, it } from "vitest";
import { readLlmbarPairs, readOasstPairs } from "../../../datasets/public.ts";
import {
  DEFAULT_ABUSE,
  detectAbuse,
  skimMs,
  tooFastFloorMs,
  type TimedAnswer,
} from "../../../reward/consensus/abuse.ts";

const DATASETS = path.resolve(import.meta.dirname, "../../../../shared/datasets");

const answer = (labelerId: string, i: number, over: Partial<TimedAnswer> = {}): TimedAnswer => ({
  labelerId,
  itemId: `i${i}`,
  shown: "left",
  textChars: 600,
  timeSpentMs: 30_000,
  ...over,
});

/** What a labeler reads for each pair of the demo's public sets: the prompt and both responses. */
const demoPairChars = [
  ...readOasstPairs(path.join(DATASETS, "oasst/en_100_tree.jsonl")),
  ...["mt_bench_human", "natural", "llmeval2", "faireval"].flatMap((set) =>
    readLlmbarPairs(path.join(DATASETS, `llmbar/${set}.json`), set),
  ),
].map((p) => p.prompt.length + p.chosen.length + p.rejected.length);

/** A labeler answering every demo pair, the i-th in `ms(i)` milliseconds, on alternating screen sides. */
const labelerOnDemoPairs = (labelerId: string, ms: (i: number) => number): TimedAnswer[] =>
  demoPairChars.map((textChars, i) =>
    answer(labelerId, i, { textChars, timeSpentMs: ms(i), shown: i % 2 ? "left" : "right" }),
  );

/** Spreads answer i evenly over [min, min + span) ms, in a scrambled order (as the demo seed does). */
const spread = (min: number, span: number) => (i: number) => min + ((i * 7919) % span);

describe("abuse detection", () => {
  it("gives a quick skim 1.5 s plus 35 characters a second, and calls an answer too fast below a quarter of it, 6 s at most", () => {
    expect(skimMs(700)).toBe(1500 + 20_000);
    expect(tooFastFloorMs(700)).toBe(5375);
    expect(tooFastFloorMs(0)).toBe(375);
    expect(tooFastFloorMs(5000)).toBe(6000);
  });

  it("never flags careful labelers at ~20 s a pair, nor quick careful ones at ~10 s, on the demo's real pairs", () => {
    expect(demoPairChars.length).toBeGreaterThan(1000);
    const careful = labelerOnDemoPairs("careful", spread(8000, 25_000));
    const quick = labelerOnDemoPairs("quick", spread(5000, 10_000));
    expect(detectAbuse([...careful, ...quick], true).filter((f) => f.kind === "too_fast")).toEqual([]);
  });

  it("still flags speed-clickers at 1–2 s a pair on the same pairs, in words an admin can check", () => {
    const clicker = labelerOnDemoPairs("clicker", spread(1000, 1000));
    const [finding] = detectAbuse(clicker, true).filter((f) => f.kind === "too_fast");
    expect(finding?.labelerId).toBe("clicker");
    expect(Number(finding.detail.fast)).toBeGreaterThan(0.9 * demoPairChars.length);
    expect(finding.detail).toMatchObject({ answers: demoPairChars.length, floorMedianMs: 6000 });
    expect(finding.detail.fastMedianMs).toBeGreaterThanOrEqual(1000);
    expect(finding.detail.fastMedianMs).toBeLessThan(2000);
  });

  it("flags a labeler when most answers beat the floor, not when half do", () => {
    const sides = ["left", "right"];
    const most = Array.from({ length: 10 }, (_, i) =>
      answer("most", i, { shown: sides[i % 2], timeSpentMs: i < 6 ? 2000 : 30_000 }),
    );
    const half = Array.from({ length: 10 }, (_, i) =>
      answer("half", i, { shown: sides[i % 2], timeSpentMs: i < 5 ? 2000 : 30_000 }),
    );
    expect(detectAbuse([...most, ...half], true)).toEqual([
      {
        labelerId: "most",
        kind: "too_fast",
        detail: { fast: 6, answers: 10, fastMedianMs: 2000, floorMedianMs: 4661 },
      },
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
