import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Keypair } from "@solana/web3.js";
import bs58 from "bs58";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildMerkleTree,
  buildPayoutTree,
  compareWallets,
  DuplicateWalletError,
  EMPTY_TREE_ROOT,
  EmptyEpochError,
  inclusionProofRoot,
  isEpochId,
  leafHash,
  MerkleInputError,
  nodeHash,
  parsePayoutRootMemo,
  payoutLeafData,
  payoutRootMemo,
  PayoutMemoError,
  U64_MAX,
  verifyInclusion,
  verifyPayoutProof,
  type PayoutEntry,
  type PayoutProof,
} from "../../../../reward/tokens/payouts/merkle.ts";

// ---- An independent reference, written straight from RFC 6962 §2.1 and §2.1.1 (recursive, slow, obvious). ----

const sha = (...parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash("sha256")).digest();
const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
function mth(d: Uint8Array[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Buffer.of(0), d[0]);
  const k = split(d.length);
  return sha(Buffer.of(1), mth(d.slice(0, k)), mth(d.slice(k)));
}
function refPath(m: number, d: Uint8Array[]): string[] {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k)), mth(d.slice(k)).toString("hex")]
    : [...refPath(m - k, d.slice(k)), mth(d.slice(0, k)).toString("hex")];
}
/** The sides on which the path's hashes join leaf m of n, bottom-up: all a verifier's computation depends on. */
function pathShape(m: number, n: number): string {
  if (n <= 1) return "";
  const k = split(n);
  return m < k ? `${pathShape(m, k)}R` : `${pathShape(m - k, n - k)}L`;
}

const hexBytes = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));
const randomWallet = () => bs58.encode(randomBytes(32));
const entriesOf = (n: number, amount = (i: number) => BigInt(i) * 1_000n + 7n): PayoutEntry[] =>
  Array.from({ length: n }, (_, i) => ({ wallet: randomWallet(), amount: amount(i) }));
const EPOCH = "2026-11-23";
const REFUND = "refund-0b7f5c2e-6d1a-4c3b-9e8f-1a2b3c4d5e6f";
const flip = (hex: string) => (hex[0] === "0" ? "1" : "0") + hex.slice(1);

// ---- Certificate Transparency reference vectors (google/certificate-transparency merkle_tree_test.cc, as pinned
// in trillian's RFC 6962 tests): literals, independent of both the code under test and the reference above. ----

const CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
const CT_ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
/** [leaf index (0-based), tree size, audit path] */
const CT_PATHS: [number, number, string[]][] = [
  [0, 1, []],
  [
    0,
    8,
    [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  ],
  [
    5,
    8,
    [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  ],
  [2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]],
  [
    1,
    5,
    [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  ],
];

describe("RFC 6962 tree on raw leaves", () => {
  const leaves = CT_LEAVES.map(hexBytes);

  it("hashes leaves and nodes with the 0x00 / 0x01 prefixes", () => {
    expect(leafHash(new Uint8Array())).toBe(CT_ROOTS[0]);
    expect(leafHash(Uint8Array.of(0))).toBe("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
    expect(nodeHash(leafHash(leaves[0]), leafHash(leaves[1]))).toBe(CT_ROOTS[1]);
    expect(nodeHash(leafHash(leaves[1]), leafHash(leaves[0]))).not.toBe(CT_ROOTS[1]);
    expect(() => nodeHash("AB".repeat(32), CT_ROOTS[0])).toThrow(MerkleInputError);
  });

  it("reproduces the CT roots for sizes 1 to 8, and SHA-256('') for none", () => {
    for (let n = 1; n <= 8; n++) expect(buildMerkleTree(leaves.slice(0, n)).root, `size ${n}`).toBe(CT_ROOTS[n - 1]);
    expect(buildMerkleTree([]).root).toBe(EMPTY_TREE_ROOT);
    expect(EMPTY_TREE_ROOT).toBe(createHash("sha256").update("").digest("hex"));
  });

  it("reproduces the CT audit paths, and they verify", () => {
    for (const [index, size, path] of CT_PATHS) {
      const tree = buildMerkleTree(leaves.slice(0, size));
      expect(tree.path(index), `PATH(${index}, D[${size}])`).toEqual(path);
      expect(verifyInclusion(leafHash(leaves[index]), index, size, path, CT_ROOTS[size - 1])).toBe(true);
    }
  });

  it("agrees with the recursive definition for every size to 70 and every leaf", () => {
    const data = Array.from({ length: 70 }, (_, i) => Uint8Array.of(i, i * 7, 255 - i));
    for (let n = 0; n <= 70; n++) {
      const d = data.slice(0, n);
      const tree = buildMerkleTree(d);
      expect(tree.root, `n=${n}`).toBe(mth(d).toString("hex"));
      for (let m = 0; m < n; m++) {
        const path = tree.path(m);
        expect(path, `PATH(${m}, D[${n}])`).toEqual(refPath(m, d));
        expect(inclusionProofRoot(tree.leafHash(m), m, n, path)).toBe(tree.root);
      }
    }
  });

  it("folds no path of the wrong length into a root at all (RFC 9162: sn must reach 0 exactly at the end)", () => {
    const d = leaves.slice(0, 5);
    const tree = buildMerkleTree(d);
    for (let m = 0; m < 5; m++) {
      const path = tree.path(m);
      expect(inclusionProofRoot(tree.leafHash(m), m, 5, path)).toBe(CT_ROOTS[4]);
      expect(inclusionProofRoot(tree.leafHash(m), m, 5, [...path, CT_ROOTS[0]]), `extended ${m}`).toBeNull();
      expect(inclusionProofRoot(tree.leafHash(m), m, 5, path.slice(0, -1)), `truncated ${m}`).toBeNull();
    }
    expect(inclusionProofRoot(CT_ROOTS[0], 0, 1, [])).toBe(CT_ROOTS[0]);
    expect(inclusionProofRoot(CT_ROOTS[0], 0, 1, [CT_ROOTS[1]])).toBeNull();
  });

  it("refuses a leaf index outside the tree", () => {
    const tree = buildMerkleTree(leaves.slice(0, 3));
    expect(() => tree.path(3)).toThrow(MerkleInputError);
    expect(() => tree.path(-1)).toThrow(MerkleInputError);
    expect(() => tree.leafHash(1.5)).toThrow(MerkleInputError);
  });
});

describe("payout leaves", () => {
  const wallet = Keypair.generate().publicKey.toBase58();

  it("encode as utf8 'pairwise-payout-v1|epoch|wallet|amount' and hash as RFC 6962 leaves", () => {
    const data = payoutLeafData(EPOCH, wallet, 1_500_000_000n);
    expect(new TextDecoder().decode(data)).toBe(`pairwise-payout-v1|2026-11-23|${wallet}|1500000000`);
    expect(leafHash(data)).toBe(
      sha(Buffer.of(0), Buffer.from(`pairwise-payout-v1|2026-11-23|${wallet}|1500000000`)).toString("hex"),
    );
    expect(new TextDecoder().decode(payoutLeafData(EPOCH, wallet, U64_MAX))).toMatch(/\|18446744073709551615$/);
    expect(new TextDecoder().decode(payoutLeafData(EPOCH, wallet, 0n))).toMatch(/\|0$/);
  });

  it("take a refund epoch (refund-<project uuid>) like a day", () => {
    expect(new TextDecoder().decode(payoutLeafData(REFUND, wallet, 5n))).toBe(
      `pairwise-payout-v1|${REFUND}|${wallet}|5`,
    );
    const tree = buildPayoutTree(REFUND, entriesOf(5));
    for (const leaf of tree.leaves) expect(verifyPayoutProof(tree.proof(leaf.wallet)!)).toBe(true);
    const p = tree.proof(tree.leaves[2].wallet)!;
    expect(verifyPayoutProof({ ...p, epoch: "refund-0b7f5c2e-6d1a-4c3b-9e8f-1a2b3c4d5e60" })).toBe(false);
    expect(verifyPayoutProof({ ...p, epoch: EPOCH })).toBe(false);
    expect(isEpochId(REFUND)).toBe(true);
    expect(isEpochId(EPOCH)).toBe(true);
  });

  it("build a tree whose root is MTH of the sorted leaf data", () => {
    for (const n of [1, 2, 3, 5, 33]) {
      const entries = entriesOf(n);
      const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.wallet), Buffer.from(b.wallet)));
      const tree = buildPayoutTree(EPOCH, entries);
      expect(tree.root).toBe(mth(sorted.map((e) => payoutLeafData(EPOCH, e.wallet, e.amount))).toString("hex"));
      expect(tree.count).toBe(n);
      expect(tree.total).toBe(entries.reduce((s, e) => s + e.amount, 0n));
      expect(tree.leaves.map((l) => l.wallet)).toEqual(sorted.map((e) => e.wallet));
      expect(tree.leaves.map((l) => l.index)).toEqual(sorted.map((_, i) => i));
    }
  });

  it("refuses malformed epochs, wallets and amounts with MerkleInputError", () => {
    for (const epoch of [
      "2026-1-23",
      "2026-11-23 ",
      "20261123",
      "2026-02-30",
      "2026-13-01",
      "",
      "2026-11-23T00:00:00Z",
      "refund-",
      "refund-0B7F5C2E-6D1A-4C3B-9E8F-1A2B3C4D5E6F",
      "refund-0b7f5c2e6d1a4c3b9e8f1a2b3c4d5e6f",
      "refund-0b7f5c2e-6d1a-4c3b-9e8f-1a2b3c4d5e6",
      `${REFUND} `,
      "refund-2026-11-23",
      "Refund-0b7f5c2e-6d1a-4c3b-9e8f-1a2b3c4d5e6f",
    ]) {
      expect(isEpochId(epoch), epoch).toBe(false);
      expect(() => payoutLeafData(epoch, wallet, 1n), epoch).toThrow(MerkleInputError);
    }
    const short = bs58.encode(randomBytes(31));
    const long = bs58.encode(randomBytes(33));
    for (const bad of ["", "0OIl" + wallet.slice(4), short, long, `${wallet}|1`, ` ${wallet}`]) {
      expect(() => payoutLeafData(EPOCH, bad, 1n), bad).toThrow(MerkleInputError);
    }
    for (const amount of [-1n, U64_MAX + 1n, 5 as unknown as bigint, "5" as unknown as bigint]) {
      expect(() => payoutLeafData(EPOCH, wallet, amount), String(amount)).toThrow(MerkleInputError);
      expect(() => buildPayoutTree(EPOCH, [{ wallet, amount }]), String(amount)).toThrow(MerkleInputError);
    }
    expect(() => payoutLeafData(EPOCH, "11111111111111111111111111111111", 0n)).not.toThrow();
  });

  it("refuses a wallet twice, an empty epoch and a total over u64, each with its named error", () => {
    const [a, b] = entriesOf(2);
    expect(() => buildPayoutTree(EPOCH, [a, b, { wallet: a.wallet, amount: 1n }])).toThrow(DuplicateWalletError);
    expect(() => buildPayoutTree(EPOCH, [a, { ...a }])).toThrow(DuplicateWalletError);
    expect(() => buildPayoutTree(EPOCH, [])).toThrow(EmptyEpochError);
    expect(new EmptyEpochError("x")).toBeInstanceOf(MerkleInputError);
    expect(() =>
      buildPayoutTree(EPOCH, [
        { ...a, amount: U64_MAX },
        { ...b, amount: 1n },
      ]),
    ).toThrow(/over 2\^64/);
    expect(
      buildPayoutTree(EPOCH, [
        { ...a, amount: U64_MAX - 1n },
        { ...b, amount: 1n },
      ]).total,
    ).toBe(U64_MAX);
    expect(() => buildPayoutTree("2026-11-31", [a])).toThrow(MerkleInputError);
  });
});

describe("payout proofs", () => {
  const N = 5_000;
  const entries = [
    ...Array.from({ length: 20 }, (_, i) => ({ wallet: Keypair.generate().publicKey.toBase58(), amount: BigInt(i) })),
    ...entriesOf(N - 20),
  ];

  // How fast is for the payout benchmark (npm run bench -- payout), not for a pass/fail test.
  it("builds a 5,000-leaf tree and all 5,000 proofs, and every proof verifies", () => {
    const tree = buildPayoutTree(EPOCH, entries);
    const proofs = entries.map((e) => tree.proof(e.wallet)!);
    expect(
      proofs.every((p) => p.proof.length === pathShape(p.index, N).length && p.count === N && p.root === tree.root),
    ).toBe(true);
    expect(Math.max(...proofs.map((p) => p.proof.length))).toBe(13); // ⌈log2 5000⌉
    const failed = proofs.filter((p) => !verifyPayoutProof(p));
    expect(failed).toEqual([]);
    expect(tree.proof(randomWallet())).toBeNull();
  });

  it("rejects a changed amount, wallet, epoch, index, root or proof, for a spread of labelers", () => {
    const tree = buildPayoutTree(EPOCH, entries);
    const other = tree.leaves[17].wallet;
    for (let i = 0; i < N; i += 97) {
      const p = tree.proof(tree.leaves[i].wallet)!;
      expect(verifyPayoutProof(p)).toBe(true);
      const bad: [string, Partial<PayoutProof>][] = [
        ["amount + 1", { amount: p.amount + 1n }],
        ["amount - 1", { amount: p.amount - 1n }],
        ["another wallet", { wallet: p.wallet === other ? tree.leaves[18].wallet : other }],
        ["a fresh wallet", { wallet: randomWallet() }],
        ["next epoch", { epoch: "2026-11-24" }],
        ["index + 1", { index: p.index + 1 }],
        ["index - 1", { index: p.index - 1 }],
        ["index xor 2", { index: p.index ^ 2 }],
        ["count × 2", { count: p.count * 2 }],
        ["count / 2", { count: p.count / 2 }],
        ["truncated", { proof: p.proof.slice(0, -1) }],
        ["first dropped", { proof: p.proof.slice(1) }],
        ["extended", { proof: [...p.proof, p.root] }],
        ["prefixed", { proof: [p.leaf, ...p.proof] }],
        ["swapped", { proof: [p.proof[1], p.proof[0], ...p.proof.slice(2)] }],
        ["a bit flipped", { proof: p.proof.map((h, j) => (j === 5 ? flip(h) : h)) }],
        ["another root", { root: flip(p.root) }],
        ["uppercase root", { root: p.root.toUpperCase() }],
        ["empty proof", { proof: [] }],
      ];
      for (const [what, change] of bad) expect(verifyPayoutProof({ ...p, ...change }), `${what} at ${i}`).toBe(false);
    }
  });

  it("rejects a wrong count exactly when it changes the leaf's path (RFC 6962 commits to no more)", () => {
    const tree = buildPayoutTree(EPOCH, entries);
    let rejected = 0;
    let sameShape = 0;
    for (const i of [0, 1, 2, 100, 4095, 4096, 4500, 4990, 4998, 4999]) {
      const p = tree.proof(tree.leaves[i].wallet)!;
      for (const count of [1, 2, p.index, p.index + 1, N - 8, N - 1, N + 1, N + 8, 8192, 8193]) {
        if (count === N) continue;
        const same = count > p.index && pathShape(p.index, count) === pathShape(p.index, N);
        expect(verifyPayoutProof({ ...p, count }), `index ${p.index}, count ${count}`).toBe(same);
        if (same) sameShape++;
        else rejected++;
      }
    }
    // The last leaves' paths change with any other count; leaf 0 of 5,000 has the path it has in 4,999.
    expect(verifyPayoutProof({ ...tree.proof(tree.leaves[N - 1].wallet)!, count: N - 1 })).toBe(false);
    expect(verifyPayoutProof({ ...tree.proof(tree.leaves[N - 1].wallet)!, count: N + 1 })).toBe(false);
    expect(verifyPayoutProof({ ...tree.proof(tree.leaves[0].wallet)!, count: N - 1 })).toBe(true);
    expect(rejected).toBeGreaterThan(50);
    expect(sameShape).toBeGreaterThan(0);
  });

  it("verifies every leaf for every count from 1 to 17, and no wrong index", () => {
    for (let n = 1; n <= 17; n++) {
      const tree = buildPayoutTree(EPOCH, entriesOf(n));
      for (const leaf of tree.leaves) {
        const p = tree.proof(leaf.wallet)!;
        expect(p.index).toBe(leaf.index);
        expect(verifyPayoutProof(p), `leaf ${leaf.index} of ${n}`).toBe(true);
        for (let index = -1; index <= n + 1; index++) {
          if (index !== leaf.index)
            expect(verifyPayoutProof({ ...p, index }), `index ${index} for ${leaf.index} of ${n}`).toBe(false);
        }
      }
    }
  });

  it("returns false, not an exception, for malformed verifier inputs", () => {
    const tree = buildPayoutTree(EPOCH, entriesOf(4));
    const p = tree.proof(tree.leaves[2].wallet)!;
    const garbage: Partial<Record<keyof PayoutProof, unknown>>[] = [
      { amount: 5 },
      { amount: -1n },
      { wallet: "not base58!" },
      { epoch: "yesterday" },
      { index: 1.5 },
      { index: Number.NaN },
      { count: Infinity },
      { count: 0 },
      { proof: "abc" },
      { proof: [p.proof[0], "zz"] },
      { root: "" },
    ];
    for (const change of garbage)
      expect(verifyPayoutProof({ ...p, ...change } as PayoutProof), JSON.stringify(Object.keys(change))).toBe(false);
  });
});

describe("leaf order", () => {
  it("is the bytes of the base58 text, not locale order", () => {
    const find = (re: RegExp) => {
      for (;;) {
        const w = randomWallet();
        if (re.test(w)) return w;
      }
    };
    const upper = find(/^B/);
    const lower = find(/^a/);
    expect(upper.localeCompare(lower)).toBeGreaterThan(0); // what a careless sort would do
    const tree = buildPayoutTree(EPOCH, [
      { wallet: lower, amount: 1n },
      { wallet: upper, amount: 2n },
    ]);
    expect(tree.leaves.map((l) => l.wallet)).toEqual([upper, lower]);
    expect(compareWallets(upper, lower)).toBe(-1);
    expect(compareWallets(lower, upper)).toBe(1);
  });

  it("makes the root independent of the input order (property)", () => {
    const entry = fc.record({
      wallet: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bs58.encode(b)),
      amount: fc.bigInt({ min: 0n, max: 10n ** 15n }),
    });
    fc.assert(
      fc.property(
        fc
          .uniqueArray(entry, { minLength: 1, maxLength: 40, selector: (e) => e.wallet })
          .chain((es) => fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length }))),
        ([entries, shuffled]) => {
          const a = buildPayoutTree(EPOCH, entries);
          const b = buildPayoutTree(EPOCH, shuffled);
          expect(b.root).toBe(a.root);
          expect(b.leaves).toEqual(a.leaves);
          // ...while the tree in raw input order (unsorted) differs whenever the input was not already sorted.
          const raw = buildMerkleTree(shuffled.map((e) => payoutLeafData(EPOCH, e.wallet, e.amount))).root;
          const wasSorted = shuffled.every((e, i) => e.wallet === a.leaves[i].wallet);
          expect(raw === a.root).toBe(wasSorted);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("changes the root when any amount changes (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.nat(), fc.bigInt({ min: 1n, max: 1000n }), (n, pick, delta) => {
        const entries = entriesOf(n);
        const i = pick % n;
        const changed = entries.map((e, j) => (j === i ? { ...e, amount: e.amount + delta } : e));
        expect(buildPayoutTree(EPOCH, changed).root).not.toBe(buildPayoutTree(EPOCH, entries).root);
      }),
      { numRuns: 100 },
    );
  });
});

describe("payout-root memo", () => {
  const root = "cd50376fc05e35effe7444694270e1c0981a562123718ef3fcc3ab4598b45727";
  const good = `pairwise:payout-root:v1:2026-11-23:${root}:3:1750000000`;

  it("round-trips", () => {
    expect(parsePayoutRootMemo(good)).toEqual({ epoch: "2026-11-23", root, count: 3, total: 1_750_000_000n });
    const tree = buildPayoutTree(EPOCH, entriesOf(9));
    const memo = payoutRootMemo(tree);
    expect(memo).toBe(`pairwise:payout-root:v1:2026-11-23:${tree.root}:9:${tree.total}`);
    expect(parsePayoutRootMemo(memo)).toEqual({ epoch: EPOCH, root: tree.root, count: 9, total: tree.total });
    const refund = buildPayoutTree(REFUND, entriesOf(1));
    expect(payoutRootMemo(refund)).toBe(`pairwise:payout-root:v1:${REFUND}:${refund.root}:1:${refund.total}`);
    expect(parsePayoutRootMemo(payoutRootMemo(refund))).toEqual({
      epoch: REFUND,
      root: refund.root,
      count: 1,
      total: 7n,
    });
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1970-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.bigInt({ min: 0n, max: U64_MAX }),
        (day, bytes, count, total) => {
          const fields = {
            epoch: day.toISOString().slice(0, 10),
            root: Buffer.from(bytes).toString("hex"),
            count,
            total,
          };
          expect(parsePayoutRootMemo(payoutRootMemo(fields))).toEqual(fields);
        },
      ),
    );
  });

  it("returns null for someone else's memo", () => {
    for (const text of ["", "hello", "pairwise:payout:v1", "Pairwise:payout-root:v1", ` ${good}`]) {
      expect(parsePayoutRootMemo(text), text).toBeNull();
    }
  });

  it("throws PayoutMemoError for a malformed payout-root memo", () => {
    const bad = [
      good.replace(":v1:", ":v2:"),
      good.replace(root, root.toUpperCase()),
      good.replace(root, root.slice(1)),
      good.replace(root, `${root}00`),
      good.replace(":3:", ":03:"),
      good.replace(":3:", ":0:"),
      good.replace(":3:", ":-3:"),
      good.replace(":3:", ":+3:"),
      good.replace(":3:", ":3.0:"),
      good.replace(":3:", ":99999999999999999:"),
      good.replace(":1750000000", ":01750000000"),
      good.replace(":1750000000", ":-1"),
      good.replace(":1750000000", ":1e9"),
      good.replace(":1750000000", `:${U64_MAX + 1n}`),
      good.replace(":1750000000", ""),
      `${good}:extra`,
      `${good}\n`,
      `${good} `,
      good.replace("2026-11-23", "2026-02-30"),
      good.replace("2026-11-23", "2026-11-3"),
      good.replace("2026-11-23", "20261123"),
      good.replace("2026-11-23", "refund-0B7F5C2E-6D1A-4C3B-9E8F-1A2B3C4D5E6F"),
      good.replace("2026-11-23", "refund-0b7f5c2e-6d1a-4c3b-9e8f"),
      good.replace("2026-11-23", "refund-"),
      "pairwise:payout-root:",
    ];
    for (const text of bad) expect(() => parsePayoutRootMemo(text), JSON.stringify(text)).toThrow(PayoutMemoError);
    expect(parsePayoutRootMemo(good.replace(":1750000000", `:${U64_MAX}`))?.total).toBe(U64_MAX);
  });

  it("refuses to build a memo from malformed fields", () => {
    const fields = { epoch: EPOCH, root, count: 3, total: 5n };
    expect(() => payoutRootMemo(fields)).not.toThrow();
    for (const change of [
      { epoch: "2026-11-23:x" },
      { root: root.toUpperCase() },
      { count: 0 },
      { count: 1.5 },
      { total: -1n },
      { total: 5 as unknown as bigint },
    ]) {
      expect(() => payoutRootMemo({ ...fields, ...change }), JSON.stringify(Object.keys(change))).toThrow(
        PayoutMemoError,
      );
    }
  });
});

describe("MERKLE.md", () => {
  const doc = readFileSync(new URL("../../../../reward/tokens/payouts/MERKLE.md", import.meta.url), "utf8");
  // The one ```js block of the document, run as written: the published verifier cannot drift from the code.
  const snippet = /```js\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
  const verifyPayout = new Function("require", `${snippet}\nreturn verifyPayout;`)(createRequire(import.meta.url)) as (
    p: Omit<PayoutProof, "amount" | "leaf"> & { amount: bigint | string },
  ) => boolean;

  it("has a verifier of about ten lines that accepts real proofs and rejects altered ones", () => {
    expect(snippet.trim().split("\n").length).toBeLessThanOrEqual(16);
    const entries = entriesOf(1_000);
    const tree = buildPayoutTree(EPOCH, entries);
    for (const leaf of tree.leaves.filter((_, i) => i % 37 === 0 || i === 999)) {
      const p = tree.proof(leaf.wallet)!;
      expect(verifyPayout(p)).toBe(true);
      expect(verifyPayout({ ...p, amount: p.amount.toString() })).toBe(true);
      expect(verifyPayout({ ...p, amount: p.amount + 1n })).toBe(false);
      expect(verifyPayout({ ...p, wallet: tree.leaves[(p.index + 1) % 1000].wallet })).toBe(false);
      expect(verifyPayout({ ...p, epoch: "2026-11-22" })).toBe(false);
      expect(verifyPayout({ ...p, index: (p.index + 1) % 1000 })).toBe(false);
      expect(verifyPayout({ ...p, count: 2000 })).toBe(false);
      expect(verifyPayout({ ...p, proof: p.proof.slice(0, -1) })).toBe(false);
      expect(verifyPayout({ ...p, proof: [...p.proof, p.root] })).toBe(false);
    }
    for (let n = 1; n <= 17; n++) {
      const small = buildPayoutTree(EPOCH, entriesOf(n));
      for (const leaf of small.leaves)
        expect(verifyPayout(small.proof(leaf.wallet)!), `${leaf.index} of ${n}`).toBe(true);
    }
  });

  it("states the vectors the code produces", () => {
    const tree = buildPayoutTree(EPOCH, [
      { wallet: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", amount: 250_000_000n },
      { wallet: "11111111111111111111111111111111", amount: 1_500_000_000n },
      { wallet: "So11111111111111111111111111111111111111112", amount: 0n },
    ]);
    expect(tree.root).toBe("cd50376fc05e35effe7444694270e1c0981a562123718ef3fcc3ab4598b45727");
    expect(doc).toContain(`root: \`${tree.root}\``);
    expect(doc).toContain(`memo: \`${payoutRootMemo(tree)}\``);
    for (const leaf of tree.leaves) {
      const text = new TextDecoder().decode(payoutLeafData(EPOCH, leaf.wallet, leaf.amount)).replaceAll("|", "\\|");
      expect(doc).toContain(`| ${leaf.index} | \`${text}\` | \`${leaf.leaf}\` |`);
    }
    const paths = tree
      .proof(tree.leaves[0].wallet)!
      .proof.map((h) => `\`${h}\``)
      .join(", ");
    expect(doc).toContain(`path of index 0: ${paths}`);
    expect(doc).toContain(`path of index 2: \`${tree.proof(tree.leaves[2].wallet)!.proof[0]}\``);

    const one = buildPayoutTree("2026-11-24", [{ wallet: "So11111111111111111111111111111111111111112", amount: 1n }]);
    expect(one.root).toBe(one.leaves[0].leaf);
    expect(one.proof(one.leaves[0].wallet)!.proof).toEqual([]);
    expect(doc).toContain(`\`${one.root}\`, empty path, memo\n\`${payoutRootMemo(one)}\``);
    expect(doc).toContain(CT_ROOTS[7]);

    const example = /For example, `verifyPayout\((\{[^`]*\})\)`/.exec(doc)?.[1] ?? "";
    const args = new Function(`return (${example});`)() as Parameters<typeof verifyPayout>[0];
    expect(verifyPayout(args)).toBe(true);
    expect(verifyPayoutProof({ ...args, amount: BigInt(args.amount) })).toBe(true);
  });
});
