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
  /** Fastest plausible reading, in characters per second (about 700 words a minute, a quick skim). */
  charsPerSecond: number;
  /** Time to look at the task and press a key at all. */
  baseMs: number;
  minAnswers: number;
  /** Share of too-fast answers that raises the signal. */
  tooFastShare: number;
  /** A run of identical answers at least this long raises the signal... */
  streakLength: number;
  /** ...when this share of the run's items has a different consensus (ignored for pairwise screen sides). */
  streakDisagreement: number;
}

export const DEFAULT_ABUSE: AbuseOptions = {
  charsPerSecond: 60,
  baseMs: 1500,
  minAnswers: 10,
  tooFastShare: 0.3,
  streakLength: 12,
  streakDisagreement: 1 / 3,
};

export function plausibleReadingMs(textChars: number, o: AbuseOptions = DEFAULT_ABUSE): number {
  return o.baseMs + (textChars * 1000) / o.charsPerSecond;
}

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
    const fast = list.filter((a) => a.timeSpentMs < plausibleReadingMs(a.textChars, o));
    if (fast.length / list.length >= o.tooFastShare) {
      const times = fast.map((a) => a.timeSpentMs).sort((x, y) => x - y);
      findings.push({
        labelerId,
        kind: "too_fast",
        detail: { fast: fast.length, answers: list.length, medianFastMs: times[times.length >> 1] },
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
