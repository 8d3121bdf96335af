// Gold answers committed before they are used: the canonical gold list, its salted hash, and the check a labeler
// can redo once the salt and the list are revealed. Pure: the chain side (posting and reading the memo) is in
// reward/tokens/gold/, and jobs/ conducts the two.
import { createHash, randomBytes } from "node:crypto";

/** One gold item: its external id (the dataset's `id`, or `sha256:…` of its content) and its gold answer. */
export type GoldPair = [externalId: string, gold: string];

export class GoldListError extends Error {
  override name = "GoldListError";
}

const HEX32 = /^[0-9a-f]{64}$/;
const LONE_SURROGATE = /\p{Cs}/u;

function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * The canonical gold list: the JSON array of [externalId, gold] pairs sorted by externalId in the order of its
 * UTF-8 bytes (= Unicode code point order), written without whitespace as JSON.stringify (RFC 8785) writes strings.
 * The input order never matters; ids must be distinct and strings well-formed Unicode.
 */
export function canonicalGoldList(pairs: Iterable<readonly [string, string]>): string {
  return JSON.stringify(sortedGold(pairs));
}

/** The pairs in canonical order, checked (see canonicalGoldList). */
function sortedGold(pairs: Iterable<readonly [string, string]>): GoldPair[] {
  const list: GoldPair[] = [];
  for (const [id, gold] of pairs) {
    if (typeof id !== "string" || typeof gold !== "string") throw new GoldListError("gold pairs are [string, string]");
    if (LONE_SURROGATE.test(id) || LONE_SURROGATE.test(gold))
      throw new GoldListError(`item ${JSON.stringify(id)}: not well-formed Unicode`);
    list.push([id, gold]);
  }
  const keyed = list.map((pair) => ({ pair, key: Buffer.from(pair[0], "utf8") }));
  keyed.sort((x, y) => Buffer.compare(x.key, y.key));
  for (let i = 1; i < keyed.length; i++) {
    if (keyed[i].key.equals(keyed[i - 1].key))
      throw new GoldListError(`item ${JSON.stringify(keyed[i].pair[0])} appears twice`);
  }
  return keyed.map((k) => k.pair);
}

/** The pairs of a canonical gold list, or null when `text` is not one (wrong shape, order, or spelling). */
export function parseCanonicalGoldList(text: string): GoldPair[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  if (!parsed.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === "string"))) return null;
  try {
    return canonicalGoldList(parsed as GoldPair[]) === text ? (parsed as GoldPair[]) : null;
  } catch {
    return null;
  }
}

/** A fresh salt: 32 random bytes, lowercase hex. */
export function newGoldSalt(): string {
  return randomBytes(32).toString("hex");
}

/** SHA-256(salt || canonical): the 32 salt bytes, then the canonical list's UTF-8 bytes; lowercase hex. */
export function goldCommitmentHash(saltHex: string, canonical: string): string {
  if (!HEX32.test(saltHex)) throw new GoldListError("the salt must be 32 bytes in lowercase hex");
  return createHash("sha256").update(Buffer.from(saltHex, "hex")).update(canonical, "utf8").digest("hex");
}

/** A new commitment to `pairs`: a fresh salt, the canonical list and the hash. */
export function commitGold(pairs: Iterable<readonly [string, string]>, salt = newGoldSalt()) {
  const sorted = sortedGold(pairs);
  const canonical = JSON.stringify(sorted);
  return { salt, canonical, commitment: goldCommitmentHash(salt, canonical), items: sorted.length };
}

/** Where two gold lists differ: answers changed, items only in `committed`, items only in `current`. */
export function diffGold(committed: readonly GoldPair[], current: readonly GoldPair[]) {
  const now = new Map(current);
  const then = new Map(committed);
  const changed = committed
    .filter(([id, gold]) => now.has(id) && now.get(id) !== gold)
    .map(([id, gold]) => ({ id, committed: gold, current: now.get(id)! }));
  const missing = committed.filter(([id]) => !now.has(id)).map(([id]) => id);
  const extra = current.filter(([id]) => !then.has(id)).map(([id]) => id);
  const order = (a: { id: string } | string, b: { id: string } | string) =>
    utf8Order(typeof a === "string" ? a : a.id, typeof b === "string" ? b : b.id);
  return { changed: changed.sort(order), missing: missing.sort(order), extra: extra.sort(order) };
}

/** What the chain says a commitment's transaction carries: the memo's fields, or why it could not be read. */
export type OnChainCommitment =
  | { ok: true; projectId: string; commitment: string; items: number }
  | { ok: false; reason: "unavailable" | "invalid"; message: string };

export interface GoldCheckInput {
  projectId: string;
  /** The revealed commitment: hash, salt and canonical list as stored when it was made. */
  commitment: string;
  salt: string;
  canonical: string;
  items: number;
  signature: string | null;
  /** The gold answers stored now for the upload's items, which scoring reads. */
  stored: readonly GoldPair[];
  onChain: OnChainCommitment | null;
  /** Leases of the committed items that started before the commitment was recorded as finalized. */
  servedBeforeCommitment: number;
}

export interface GoldCheck {
  /** verified: every check passed; mismatch: something does not match; unchecked: the chain could not be read. */
  status: "verified" | "mismatch" | "unchecked";
  problems: string[];
}

const MAX_LISTED = 5;

function listed(ids: string[]): string {
  const shown = ids.slice(0, MAX_LISTED).map((id) => JSON.stringify(id));
  return ids.length > MAX_LISTED ? `${shown.join(", ")} and ${ids.length - MAX_LISTED} more` : shown.join(", ");
}

/**
 * Redoes a revealed commitment: the list is in canonical form and SHA-256(salt || list) is the commitment; the
 * chain's memo carries this project, this commitment and this count; the gold stored for the items (what scoring
 * used) is exactly the revealed list; and none of those items was served before the commitment landed.
 */
export function checkGoldCommitment(input: GoldCheckInput): GoldCheck {
  const problems: string[] = [];
  const revealed = parseCanonicalGoldList(input.canonical);
  if (!revealed) problems.push("The revealed gold list is not in canonical form.");
  else if (revealed.length !== input.items)
    problems.push(`The revealed list holds ${revealed.length} items, the commitment says ${input.items}.`);
  let hash: string | null = null;
  try {
    hash = goldCommitmentHash(input.salt, input.canonical);
  } catch {
    problems.push("The revealed salt is not 32 bytes of hex.");
  }
  if (hash !== null && hash !== input.commitment)
    problems.push(`SHA-256(salt || list) is ${hash}, not the commitment ${input.commitment}.`);

  let unchecked = false;
  if (!input.signature || !input.onChain) problems.push("The commitment was never posted on chain.");
  else if (!input.onChain.ok) {
    if (input.onChain.reason === "unavailable") unchecked = true;
    problems.push(input.onChain.message);
  } else {
    const memo = input.onChain;
    if (memo.projectId !== input.projectId)
      problems.push(`The memo on chain names another project (${memo.projectId}).`);
    if (memo.commitment !== input.commitment)
      problems.push(`The memo on chain commits to ${memo.commitment}, not ${input.commitment}.`);
    if (memo.items !== input.items) problems.push(`The memo on chain counts ${memo.items} items, not ${input.items}.`);
  }

  if (revealed) {
    const { changed, missing, extra } = diffGold(revealed, input.stored);
    for (const c of changed.slice(0, MAX_LISTED))
      problems.push(
        `The gold answer of item ${JSON.stringify(c.id)} is now ${JSON.stringify(c.current)}; the commitment says ${JSON.stringify(c.committed)}.`,
      );
    if (changed.length > MAX_LISTED) problems.push(`${changed.length - MAX_LISTED} more gold answers were changed.`);
    if (missing.length) problems.push(`Committed gold items no longer gold: ${listed(missing)}.`);
    if (extra.length) problems.push(`Gold items that were not committed: ${listed(extra)}.`);
  }
  if (input.servedBeforeCommitment > 0)
    problems.push(`${input.servedBeforeCommitment} of these items were served before the commitment landed.`);

  const onlyChainUnread = unchecked && problems.length === 1;
  return { status: problems.length === 0 ? "verified" : onlyChainUnread ? "unchecked" : "mismatch", problems };
}
