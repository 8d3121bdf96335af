// What a labeler reads about a project before starting it: what it is about, how long an item takes, what it pays.

const SUMMARY_CHARS = 200;

/** The first paragraph of Markdown instructions as plain text (headings and code skipped), cut at a word. */
export function projectSummary(instructions: string): string | null {
  const paragraph = instructions
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .find((block) => block && !/^(#|```|~~~|<)/.test(block));
  if (!paragraph) return null;
  const text = paragraph
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/^\s*(?:[-*+>]|\d+[.)])\s+/gm, "")
    .replace(/[*_`~]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  if (text.length <= SUMMARY_CHARS) return text;
  const cut = text.slice(0, SUMMARY_CHARS);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), SUMMARY_CHARS / 2))}…`;
}

/** A duration as people say it: "45 s", "2.5 min", "12 min". */
export function formatItemTime(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = seconds / 60;
  return `${minutes < 10 ? Math.round(minutes * 2) / 2 : Math.round(minutes)} min`;
}

/** Keeps the first `digits` significant digits of an amount (an estimate should not look exact). */
function roundSignificant(amount: bigint, digits: number): bigint {
  const length = amount.toString().length;
  if (length <= digits) return amount;
  const scale = 10n ** BigInt(length - digits);
  return ((amount + scale / 2n) / scale) * scale;
}

/** Base units an hour at the full rate, answering one item per `medianMs`: the reward per label × items per hour. */
export function payPerHour(rewardPerLabel: bigint, medianMs: number): bigint {
  return roundSignificant((rewardPerLabel * 3_600_000n) / BigInt(Math.max(1, Math.round(medianMs))), 3);
}

/** How a labeler may order the project list: newest first, best estimated pay per hour, or most items left. */
export const OFFER_SORTS = ["new", "pay", "left"] as const;
export type OfferSort = (typeof OFFER_SORTS)[number];

export const parseOfferSort = (value: string | null): OfferSort =>
  (OFFER_SORTS as readonly string[]).includes(value ?? "") ? (value as OfferSort) : "new";

/**
 * Orders projects (given newest first) for the list: by pay per hour (base units, null — no answers yet to time —
 * last) or by items left to the labeler, highest first; ties keep the newest first.
 */
export function sortOffers<T extends { payPerHour: bigint | null; open: number }>(offers: T[], sort: OfferSort): T[] {
  if (sort === "new") return offers;
  const key = (o: T) => (sort === "pay" ? o.payPerHour : BigInt(o.open));
  return offers
    .map((offer, at) => ({ offer, at }))
    .sort((x, y) => {
      const [a, b] = [key(x.offer), key(y.offer)];
      if (a === b) return x.at - y.at;
      if (a === null) return 1;
      if (b === null) return -1;
      return a > b ? -1 : 1;
    })
    .map(({ offer }) => offer);
}

/** Whole hours as people say them: "at once" (0), "3 days" (whole days), "1 day 6 hours", "12 hours". */
export function formatDelayHours(hours: number): string {
  if (hours <= 0) return "at once";
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  if (days === 0) return plural(rest, "hour");
  return rest === 0 ? plural(days, "day") : `${plural(days, "day")} ${plural(rest, "hour")}`;
}

/** The requester's words: "approved at once" (0) or "approved after 3 days". */
export function approvedAfterWords(hours: number): string {
  return hours <= 0 ? "approved at once" : `approved after ${formatDelayHours(hours)}`;
}

/**
 * When an answer is approved, for a labeler: "Answers approved at once", or "Answers approved within 3 days
 * (automatically if nobody reviews them)".
 */
export function approvalDelayWords(hours: number): string {
  return hours <= 0
    ? "Answers approved at once"
    : `Answers approved within ${formatDelayHours(hours)} (automatically if nobody reviews them)`;
}

/** The labeling page's pay terms: "paid after approval, at most 3 days after you answer" or "… approved at once". */
export function payAfterApprovalWords(hours: number): string {
  return hours <= 0
    ? "paid in the next payout (answers here are approved at once)"
    : `paid after approval, at most ${formatDelayHours(hours)} after you answer (in the next payout after it)`;
}

/** A mean time in hours, rounded as people read it: "40 min", "5 h", "2.5 days". */
export function formatMeanDelay(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} days`;
}

/** A requester's review figures (db/queries/review-stats.ts), as the project list says them. */
export interface RequesterReviewFigures {
  decided: number;
  approved: number;
  meanApprovalHours: number | null;
  appealsDecided: number;
  appealsOverturned: number;
}

/**
 * "83% approved (5 of 6 answers)" or "no answers reviewed yet"; the mean wait for an approval; the appeals overturned.
 * A rate short of all is never rounded up to 100%.
 */
export function requesterReviewWords(f: RequesterReviewFigures) {
  const rate =
    f.decided === 0 ? null : f.approved === f.decided ? 100 : Math.min(99, Math.round((100 * f.approved) / f.decided));
  return {
    approvalRate:
      rate === null
        ? "no answers reviewed yet"
        : `${rate}% approved (${f.approved} of ${f.decided} answer${f.decided === 1 ? "" : "s"})`,
    approvalTime:
      f.meanApprovalHours === null ? null : `approved in ${formatMeanDelay(f.meanApprovalHours)} on average`,
    appeals:
      f.appealsDecided === 0
        ? "no appeals decided yet"
        : `${f.appealsOverturned} of ${f.appealsDecided} appeal${f.appealsDecided === 1 ? "" : "s"} overturned`,
  };
}
