import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  canonicalGoldList,
  checkGoldCommitment,
  commitGold,
  goldCommitmentHash,
  GoldListError,
  newGoldSalt,
  parseCanonicalGoldList,
  type GoldCheckInput,
  type GoldPair,
} from "../../../reward/consensus/gold-commitment.ts";

// The test vector of reward/consensus/README.md (checked there with xxd and sha256sum).
const SALT = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const PAIRS: GoldPair[] = [
  ["é", "tie"],
  ["item-2", "b"],
  ["item-10", "a"],
];
const CANONICAL = '[["item-10","a"],["item-2","b"],["é","tie"]]';
const COMMITMENT = "3d00a609a5116ec25d8bf96017561ff577b03696126fdf0c7c184eb8774af478";

describe("the canonical gold list", () => {
  it("is the same text whatever the input order, sorted by the ids' UTF-8 bytes", () => {
    expect(canonicalGoldList(PAIRS)).toBe(CANONICAL);
    expect(canonicalGoldList([...PAIRS].reverse())).toBe(CANONICAL);
    expect(canonicalGoldList([PAIRS[1], PAIRS[2], PAIRS[0]])).toBe(CANONICAL);
    // Code point order, not JavaScript's UTF-16 order: U+FF5E sorts before U+1F600 (a surrogate pair, 0xD83D…).
    expect(
      canonicalGoldList([
        ["😀", "a"],
        ["～", "b"],
      ]),
    ).toBe('[["～","b"],["😀","a"]]');
  });

  it("has exact bytes: no whitespace, JSON escapes only where JSON.stringify puts them", () => {
    const text = canonicalGoldList([
      ['say "hi"\n', "a"],
      ["tab\there", "both_bad"],
      ["\u0001", "5"],
    ]);
    expect(text).toBe('[["\\u0001","5"],["say \\"hi\\"\\n","a"],["tab\\there","both_bad"]]');
    expect(Buffer.from(CANONICAL, "utf8").toString("hex")).toBe(
      "5b5b226974656d2d3130222c2261225d2c5b226974656d2d32222c2262225d2c5b22c3a9222c22746965225d5d",
    );
    expect(canonicalGoldList([])).toBe("[]");
  });

  it("refuses a repeated id and ill-formed Unicode", () => {
    expect(() =>
      canonicalGoldList([
        ["x", "a"],
        ["x", "b"],
      ]),
    ).toThrow(GoldListError);
    expect(() => canonicalGoldList([["\ud800", "a"]])).toThrow(/well-formed/);
  });

  it("parses back only from canonical text", () => {
    expect(parseCanonicalGoldList(CANONICAL)).toEqual([
      ["item-10", "a"],
      ["item-2", "b"],
      ["é", "tie"],
    ]);
    expect(parseCanonicalGoldList('[["item-2","b"],["item-10","a"]]')).toBeNull(); // wrong order
    expect(parseCanonicalGoldList('[["item-10", "a"]]')).toBeNull(); // whitespace
    expect(parseCanonicalGoldList('[["item-10","a",1]]')).toBeNull();
    expect(parseCanonicalGoldList("{")).toBeNull();
  });
});

describe("the commitment", () => {
  it("is SHA-256 of the 32 salt bytes then the canonical list (the README's vector)", () => {
    expect(goldCommitmentHash(SALT, CANONICAL)).toBe(COMMITMENT);
    const bytes = Buffer.concat([Buffer.from(SALT, "hex"), Buffer.from(CANONICAL, "utf8")]);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(COMMITMENT);
    expect(commitGold(PAIRS, SALT)).toEqual({ salt: SALT, canonical: CANONICAL, commitment: COMMITMENT, items: 3 });
  });

  it("takes a fresh 32-byte salt each time, and refuses one that is not", () => {
    const a = commitGold(PAIRS);
    const b = commitGold(PAIRS);
    expect(a.salt).toMatch(/^[0-9a-f]{64}$/);
    expect(a.salt).not.toBe(b.salt);
    expect(a.commitment).not.toBe(b.commitment);
    expect(newGoldSalt()).toHaveLength(64);
    expect(() => goldCommitmentHash("abcd", CANONICAL)).toThrow(GoldListError);
  });
});

describe("checking a revealed commitment", () => {
  const PROJECT = "0b6f3a52-8f3e-4d59-9b1e-2f4c7f0d9a11";
  const input = (overrides: Partial<GoldCheckInput> = {}): GoldCheckInput => ({
    projectId: PROJECT,
    commitment: COMMITMENT,
    salt: SALT,
    canonical: CANONICAL,
    items: 3,
    signature: "sig",
    stored: PAIRS,
    onChain: { ok: true, projectId: PROJECT, commitment: COMMITMENT, items: 3 },
    servedBeforeCommitment: 0,
    ...overrides,
  });

  it("passes when everything matches, in any stored order", () => {
    expect(checkGoldCommitment(input())).toEqual({ status: "verified", problems: [] });
    expect(checkGoldCommitment(input({ stored: [...PAIRS].reverse() })).status).toBe("verified");
  });

  it("reports a gold answer changed after the commitment, and gold added or dropped", () => {
    const changed = checkGoldCommitment(input({ stored: [["item-2", "a"], PAIRS[0], PAIRS[2]] }));
    expect(changed.status).toBe("mismatch");
    expect(changed.problems).toEqual(['The gold answer of item "item-2" is now "a"; the commitment says "b".']);
    const moved = checkGoldCommitment(input({ stored: [PAIRS[0], PAIRS[1], ["new", "a"]] }));
    expect(moved.problems).toEqual([
      'Committed gold items no longer gold: "item-10".',
      'Gold items that were not committed: "new".',
    ]);
  });

  it("reports a salt, list or memo that does not match the commitment", () => {
    const otherSalt = SALT.replace(/^00/, "ff");
    expect(checkGoldCommitment(input({ salt: otherSalt })).problems[0]).toMatch(/^SHA-256\(salt \|\| list\) is /);
    expect(checkGoldCommitment(input({ canonical: CANONICAL.replace("tie", "a") })).status).toBe("mismatch");
    const memo = checkGoldCommitment(
      input({ onChain: { ok: true, projectId: PROJECT, commitment: "0".repeat(64), items: 3 } }),
    );
    expect(memo.problems).toEqual([`The memo on chain commits to ${"0".repeat(64)}, not ${COMMITMENT}.`]);
    expect(checkGoldCommitment(input({ onChain: null, signature: null })).status).toBe("mismatch");
    expect(checkGoldCommitment(input({ servedBeforeCommitment: 2 })).problems).toEqual([
      "2 of these items were served before the commitment landed.",
    ]);
  });

  it("says 'unchecked', not 'mismatch', when only the chain could not be read", () => {
    const onChain = { ok: false as const, reason: "unavailable" as const, message: "The chain could not be read." };
    expect(checkGoldCommitment(input({ onChain }))).toEqual({
      status: "unchecked",
      problems: ["The chain could not be read."],
    });
    expect(checkGoldCommitment(input({ onChain, stored: [] })).status).toBe("mismatch");
  });
});
