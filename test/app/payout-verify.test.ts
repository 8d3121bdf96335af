import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import bs58 from "bs58";
import { describe, expect, it } from "vitest";
import {
  buildPayoutTree,
  parsePayoutRootMemo,
  payoutRootMemo,
  verifyPayoutProof,
  type PayoutProof,
} from "../../reward/tokens/payouts/merkle.ts";
import { parseRootMemoText, verifyAgainstMemo, verifyPayoutInBrowser } from "~/utils/payout-verify.ts";

const EPOCH = "2026-11-23";
const REFUND = "refund-0b7f5c2e-6d1a-4c3b-9e8f-1a2b3c4d5e6f";
const treeOf = (epoch: string, n: number) =>
  buildPayoutTree(
    epoch,
    Array.from({ length: n }, (_, i) => ({ wallet: bs58.encode(randomBytes(32)), amount: BigInt(i * 977 + 1) })),
  );
const forBrowser = (p: PayoutProof) => ({ ...p, amount: p.amount.toString() });

describe("the browser's payout verifier (Web Crypto)", () => {
  it("imports nothing, so the page's check does not rest on server code", () => {
    const source = readFileSync(new URL("../../app/utils/payout-verify.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/^\s*import\s/m);
  });

  it("accepts every real proof merkle.ts makes, for every leaf of trees of 1 to 40 leaves and a refund epoch", async () => {
    for (const [epoch, n] of [
      ...Array.from({ length: 40 }, (_, i) => [EPOCH, i + 1] as const),
      [REFUND, 13] as const,
    ]) {
      const tree = treeOf(epoch, n);
      const memo = payoutRootMemo(tree);
      for (const leaf of tree.leaves) {
        const proof = tree.proof(leaf.wallet)!;
        expect(verifyPayoutProof(proof)).toBe(true);
        expect(await verifyPayoutInBrowser(forBrowser(proof)), `${leaf.index} of ${n}`).toBe(true);
        expect(await verifyAgainstMemo(forBrowser(proof), memo)).toBe(true);
      }
    }
  });

  it("agrees with merkle.ts on altered proofs: a changed amount, wallet, epoch, index, count, path or root fails", async () => {
    const tree = treeOf(EPOCH, 37);
    const other = treeOf(EPOCH, 37);
    const flip = (hex: string) => (hex[0] === "0" ? "1" : "0") + hex.slice(1);
    for (const leaf of tree.leaves.filter((_, i) => i % 3 === 0 || i === 36)) {
      const p = tree.proof(leaf.wallet)!;
      const changes: Array<Partial<PayoutProof>> = [
        { amount: p.amount + 1n },
        { amount: 0n },
        { wallet: tree.leaves[(p.index + 1) % 37].wallet },
        { epoch: "2026-11-24" },
        { epoch: REFUND },
        { index: (p.index + 1) % 37 },
        { index: -1 },
        { count: 80 },
        { count: 1 },
        { proof: p.proof.slice(0, -1) },
        { proof: [...p.proof, p.root] },
        { proof: p.proof.map((h, i) => (i === 0 ? flip(h) : h)) },
        { proof: p.proof.map((h) => h.toUpperCase()) },
        { root: other.root },
      ];
      for (const change of changes) {
        const altered = { ...p, ...change };
        expect(await verifyPayoutInBrowser(forBrowser(altered)), JSON.stringify(Object.keys(change))).toBe(
          verifyPayoutProof(altered),
        );
        expect(verifyPayoutProof(altered)).toBe(false);
      }
      expect(await verifyPayoutInBrowser({ ...forBrowser(p), amount: "0012" })).toBe(false);
      // The root and count come from the memo: another epoch's memo, or none, proves nothing.
      expect(await verifyAgainstMemo(forBrowser(p), payoutRootMemo(other))).toBe(false);
      expect(await verifyAgainstMemo(forBrowser(p), payoutRootMemo(tree).replace(EPOCH, "2026-11-22"))).toBe(false);
      expect(await verifyAgainstMemo(forBrowser(p), "hello")).toBe(false);
    }
  });

  it("verifies all 5,000 proofs of a 5,000-leaf epoch", async () => {
    const tree = treeOf(EPOCH, 5000);
    const memo = payoutRootMemo(tree);
    const results = await Promise.all(
      tree.leaves.map((l) => verifyAgainstMemo(forBrowser(tree.proof(l.wallet)!), memo)),
    );
    expect(results.every(Boolean)).toBe(true);
    expect(results).toHaveLength(5000);
  });

  it("reads root memos as parsePayoutRootMemo does", () => {
    for (const tree of [treeOf(EPOCH, 3), treeOf(REFUND, 1)]) {
      const memo = payoutRootMemo(tree);
      const { epoch, root, count } = parsePayoutRootMemo(memo)!;
      expect(parseRootMemoText(memo)).toEqual({ epoch, root, count });
    }
    const good = payoutRootMemo(treeOf(EPOCH, 3));
    for (const bad of [
      good.replace(":v1:", ":v2:"),
      `${good} `,
      good.replace(/:3:/, ":03:"),
      "pairwise:payout-root:",
    ]) {
      expect(() => parsePayoutRootMemo(bad)).toThrow();
      expect(parseRootMemoText(bad)).toBeNull();
    }
  });
});
