import type { AbuseSignalRow } from "../../db/queries/abuse.ts";
import { utcTime } from "./utc-time.ts";

/** One account under review: who it is, whether it is paused, and what its answers showed, in words. */
export interface AbuseAccount {
  userId: string;
  name: string;
  email: string;
  role: string;
  /** Why the account is paused (what it is shown), or null while it is active. */
  pausedReason: string | null;
  evidence: { id: number; words: string; project: string | null; seen: string }[];
  /** A reason to offer when pausing, from its signals, in words the account can read. */
  suggestedReason: string;
}

/** What ties the accounts of a case together: one browser, or one wallet. */
export interface AbuseLink {
  key: string;
  words: string;
  seen: string;
}

/** Accounts reviewed together: a single account, or all those linked by a shared browser or wallet. */
export interface AbuseCase {
  key: string;
  accounts: AbuseAccount[];
  links: AbuseLink[];
  /** The newest signal's time. */
  seen: string;
}

const LINK_KINDS = new Set(["shared_device", "shared_wallet"]);

/** A signal to review: a stored one, or one worked out when the page is read (its kind is not a stored kind). */
export type SignalRow = Omit<AbuseSignalRow, "kind"> & { kind: string };

const REASONS: Record<string, string> = {
  too_fast: "most of your answers came faster than the items can be read",
  one_sided_streak: "long runs of the same answer",
  shared_device: "several accounts used from one browser",
  shared_wallet: "several accounts with one wallet",
  pasted_text: "most of your text answers were pasted in whole",
};

const seconds = (ms: unknown) => `${(Number(ms) / 1000).toFixed(1)} s`;
const quoted = (text: string) => `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;
const shortAddress = (address: string) => `${address.slice(0, 4)}…${address.slice(-4)}`;

function namesInWords(names: string[]): string {
  if (names.length <= 2) return names.join(" and ");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** An answer-pattern signal's evidence as an admin reads it. */
export function evidenceInWords(kind: string, detail: Record<string, unknown>): string {
  if (kind === "too_fast") {
    const typical = detail.fastMedianMs ?? detail.medianFastMs;
    const floor =
      detail.floorMedianMs === undefined ? "" : `, where those items need at least ${seconds(detail.floorMedianMs)}`;
    return `${Number(detail.fast)} of ${Number(detail.answers)} answers came too fast to have read the item: typically ${seconds(typical)}${floor}.`;
  }
  if (kind === "one_sided_streak") {
    const answer = String(detail.answer);
    if (answer === "left" || answer === "right")
      return `${Number(detail.length)} answers in a row chose the ${answer}-hand response, though the sides are shuffled for every item.`;
    const disagreeing = Number(detail.disagreeing ?? 0);
    const against = disagreeing ? `, ${disagreeing} of them against the consensus` : "";
    return `${Number(detail.length)} answers in a row were ${quoted(answer)}${against}.`;
  }
  if (kind === "pasted_text")
    return `${Number(detail.pasted)} of ${Number(detail.textAnswers)} text answers pasted in whole (pastes brought in almost all of the text, little was typed), across projects.`;
  return kind.replaceAll("_", " ");
}

function linkInWords(kind: string, scope: string, names: string[]): string {
  if (kind === "shared_device")
    return `${namesInWords(names)} signed in on the same browser (it carries the device cookie the server issued).`;
  return `${namesInWords(names)} tried to link the same wallet, ${shortAddress(scope)}.`;
}

/** Joins the sets holding `a` and `b`; `parent` maps each account to another of its set, or to itself. */
function union(parent: Map<string, string>, a: string, b: string) {
  parent.set(find(parent, a), find(parent, b));
}

function find(parent: Map<string, string>, a: string): string {
  let root = a;
  while (parent.get(root) !== root) root = parent.get(root)!;
  parent.set(a, root);
  return root;
}

/**
 * Groups signals into cases: each account appears once, with its own signals in words, and accounts that shared a
 * browser or a wallet are one case with the link stated once. A link left with a single account (the others were
 * admins, who are not reviewed) says nothing and is dropped. Newest case first.
 */
export function groupAbuseCases(rows: readonly SignalRow[]): AbuseCase[] {
  const links = new Map<string, { kind: string; scope: string; rows: SignalRow[] }>();
  const patterns = rows.filter((r) => !LINK_KINDS.has(r.kind));
  for (const r of rows.filter((r) => LINK_KINDS.has(r.kind))) {
    const key = `${r.kind}:${r.scope}`;
    const link = links.get(key) ?? { kind: r.kind, scope: r.scope, rows: [] };
    link.rows.push(r);
    links.set(key, link);
  }
  const sharedLinks = [...links.entries()].filter(([, l]) => new Set(l.rows.map((r) => r.userId)).size > 1);

  const parent = new Map<string, string>();
  const people = new Map<string, SignalRow>();
  const newest = new Map<string, number>();
  const note = (r: SignalRow) => {
    if (!parent.has(r.userId)) parent.set(r.userId, r.userId);
    if (!people.has(r.userId)) people.set(r.userId, r);
    newest.set(r.userId, Math.max(newest.get(r.userId) ?? 0, r.detectedAt.getTime()));
  };
  for (const r of patterns) note(r);
  for (const [, link] of sharedLinks) {
    for (const r of link.rows) note(r);
    for (const r of link.rows.slice(1)) union(parent, link.rows[0].userId, r.userId);
  }

  const kindsOf = new Map<string, Set<string>>();
  for (const r of [...patterns, ...sharedLinks.flatMap(([, l]) => l.rows)])
    kindsOf.set(r.userId, (kindsOf.get(r.userId) ?? new Set()).add(r.kind));

  const cases = new Map<string, AbuseCase & { newest: number }>();
  const caseOf = (userId: string) => {
    const root = find(parent, userId);
    const existing = cases.get(root);
    if (existing) return existing;
    const created = { key: root, accounts: [], links: [], seen: "", newest: 0 };
    cases.set(root, created);
    return created;
  };
  for (const [userId, person] of people) {
    const c = caseOf(userId);
    c.newest = Math.max(c.newest, newest.get(userId)!);
    const reasons = [...kindsOf.get(userId)!].map((k) => REASONS[k] ?? k.replaceAll("_", " "));
    c.accounts.push({
      userId,
      name: person.name,
      email: person.email,
      role: person.role,
      pausedReason: person.userPausedAt ? person.userPausedReason || "paused by an admin" : null,
      evidence: patterns
        .filter((r) => r.userId === userId)
        .map((r) => ({
          id: r.id,
          words: evidenceInWords(r.kind, r.detail),
          project: r.projectTitle,
          seen: utcTime(r.detectedAt),
        })),
      suggestedReason: `Paused after a review: ${reasons.join("; ")}.`,
    });
  }
  for (const [key, link] of sharedLinks) {
    const c = caseOf(link.rows[0].userId);
    const names = [...new Map(link.rows.map((r) => [r.userId, r.name])).values()].sort();
    const seen = Math.max(...link.rows.map((r) => r.detectedAt.getTime()));
    c.links.push({ key, words: linkInWords(link.kind, link.scope, names), seen: utcTime(new Date(seen)) });
  }
  return [...cases.values()]
    .sort((a, b) => b.newest - a.newest)
    .map(({ newest: at, ...c }) => ({
      ...c,
      seen: utcTime(new Date(at)),
      accounts: c.accounts.sort((a, b) => a.name.localeCompare(b.name)),
    }));
}
