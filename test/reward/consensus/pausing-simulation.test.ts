// A simulated project run through the real consensus code (bench/pausing.ts): the pause rule leaves a careful crowd
// alone and still pauses the clickers and the adversaries, where the old rule (point estimate after 10 answers)
// paused careful labelers on chance on the very same answers.
import { describe, expect, it } from "vitest";
import { simulatePausing, type PausingGroup, type PausingTask } from "../../../bench/pausing.ts";

const CROWD: PausingGroup[] = [
  { kind: "good", count: 64, right: 0.9 },
  { kind: "random", count: 4 },
  { kind: "adversary", count: 4, right: 0.1 },
];

describe.each<PausingTask>(["pairwise", "label"])(
  "a %s project with 64 labelers right 90% of the time, k = 3",
  (task) => {
    const outcomes = simulatePausing({ task, groups: CROWD, answers: 50, every: 5 }, 7);
    const of = (kind: string) => outcomes.filter((o) => o.kind === kind);

    it("pauses none of the careful labelers, where the old rule paused some on the same answers", () => {
      expect(of("good")).toHaveLength(64);
      expect(of("good").filter((o) => o.pausedAt.current !== null)).toEqual([]);
      expect(of("good").filter((o) => o.pausedAt.old !== null).length).toBeGreaterThan(0);
    });

    it("pauses every adversary within a few answers of the minimum, and most random clickers within 50", () => {
      for (const o of of("adversary")) expect(o.pausedAt.current).toBeLessThanOrEqual(20);
      const clickers = of("random").map((o) => o.pausedAt.current);
      expect(clickers.filter((at) => at !== null && at <= 50).length).toBeGreaterThanOrEqual(3);
    });
  },
);
