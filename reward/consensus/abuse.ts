/**
 * Answer patterns that suggest a labeler is not reading: answers faster than anyone can read the item, and long
 * runs of the same answer. Pure functions over a project's answers in the order they were given.
 */

export interface TimedAnswer {
  labelerId: string;
  itemId: string;
  /** What the labeler picked as they saw it: for pairwise the screen side (left/right/tie/both_bad), else the answer. */
  shown: string;
  /** The consensus answer in the same terms, when known. */
  consensus?: string;
  textChars: number;
  timeSpentMs: number;
}

export interface AbuseFinding {
  labelerId: string;
  kind: "too_fast" | "one_sided_streak";
  detail: Record<string, number | string>;
}

export interface AbuseOptions {
  /**
   * A quick skim of what the item shows, in characters per second: about 35 (some 400 words a minute) for reading
   * a prompt and two responses well enough to compare them.
   */
  skimCharsPerSecond: number;
  /** Time to take in the task and press a key at all, on top of the skim. */
  baseMs: number;
  /**
   * An answer is clearly too fast below this share of the skim time. Careful labelers skim faster than the model
   * on easy items (one response is empty, off topic or a refusal), so only a fraction of it is implausible.
   */
  floorShare: number;
  /**
   * The floor never exceeds this: a long item can be decided from its first lines, and an answer this slow is
   * not clicking blindly, whatever the item's length.
   */
  maxFloorMs: number;
  minAnswers: number;
  /** Share of a labeler's answers below the floor that raises the signal: most of them, not an unlucky few. */
  tooFastShare: number;
  /** A run of identical answers at least this long raises the signal... */
  streakLength: number;
  /** ...when this share of the run's items has a different consensus (ignored for pairwise screen sides). */
  streakDisagreement: number;
}

export const DEFAULT_ABUSE: AbuseOptions = {
  skimCharsPerSecond: 35,
  baseMs: 1500,
  floorShare: 0.25,
  maxFloorMs: 6000,
  minAnswers: 10,
  tooFastShare: 0.5,
  streakLength: 12,
  streakDisagreement: 1 / 3,
};

/** How long a quick skim of `textChars` characters takes, the task's first look included. */
export function skimMs(textChars: number, o: AbuseOptions = DEFAULT_ABUSE): number {
  return o.baseMs + (textChars * 1000) / o.skimCharsPerSecond;
}

/** Below this an answer to an item of `textChars` characters cannot have been read. */
export function tooFastFloorMs(textChars: number, o: AbuseOptions = DEFAULT_ABUSE): number {
  return Math.min(o.maxFloorMs, Math.round(skimMs(textChars, o) * o.floorShare));
}

const median = (values: number[]) => values.sort((x, y) => x - y)[values.length >> 1];

function byLabeler(answers: readonly TimedAnswer[]): Map<string, TimedAnswer[]> {
  const out = new Map<string, TimedAnswer[]>();
  for (const a of answers) {
    const list = out.get(a.labelerId);
    if (list) list.push(a);
    else out.set(a.labelerId, [a]);
  }
  return out;
}

/**
 * @param sideIsRandom true for pairwise projects, where the screen side is drawn at random per assignment, so any
 *   long run of one side is suspicious whatever the consensus says.
 */
export function detectAbuse(
  answers: readonly TimedAnswer[],
  sideIsRandom: boolean,
  o: AbuseOptions = DEFAULT_ABUSE,
): AbuseFinding[] {
  const findings: AbuseFinding[] = [];
  for (const [labelerId, list] of byLabeler(answers)) {
    if (list.length < o.minAnswers) continue;
    const fast = list.filter((a) => a.timeSpentMs < tooFastFloorMs(a.textChars, o));
    if (fast.length / list.length > o.tooFastShare) {
      findings.push({
        labelerId,
        kind: "too_fast",
        detail: {
          fast: fast.length,
          answers: list.length,
          fastMedianMs: median(fast.map((a) => a.timeSpentMs)),
          floorMedianMs: median(fast.map((a) => tooFastFloorMs(a.textChars, o))),
        },
      });
    }
    const streak = longestStreak(list, sideIsRandom);
    if (
      streak.length >= o.streakLength &&
      (sideIsRandom || streak.disagreeing / streak.length >= o.streakDisagreement)
    ) {
      findings.push({
        labelerId,
        kind: "one_sided_streak",
        detail: { answer: streak.answer, length: streak.length, disagreeing: streak.disagreeing, answers: list.length },
      });
    }
  }
  return findings;
}

function longestStreak(list: readonly TimedAnswer[], sideIsRandom: boolean) {
  let best = { answer: "", length: 0, disagreeing: 0 };
  let run = { answer: "", length: 0, disagreeing: 0 };
  for (const a of list) {
    // A tie or "both bad" breaks a run of screen sides: it is not a side.
    const counts = !sideIsRandom || a.shown === "left" || a.shown === "right";
    if (counts && a.shown === run.answer) run.length++;
    else run = { answer: counts ? a.shown : "", length: counts ? 1 : 0, disagreeing: 0 };
    if (counts && a.consensus !== undefined && a.consensus !== a.shown) run.disagreeing++;
    if (run.length > best.length) best = { ...run };
  }
  return best;
}
