// A payout's Merkle proof checked in the browser against the root memo read from the chain (MERKLE.md), with Web
// Crypto's SHA-256. Browser-safe on purpose: it imports nothing, so what the page checks does not rest on our server
// code. The server's own implementation is reward/tokens/payouts/merkle.ts; a test keeps the two in agreement.

/** A payout's proof as the wallet page gets it; `amount` in base units, decimal. */
export interface BrowserPayoutProof {
  epoch: string;
  wallet: string;
  amount: string;
  index: number;
  proof: string[];
}

const MEMO =
  /^pairwise:payout-root:v1:(\d{4}-\d{2}-\d{2}|refund-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([0-9a-f]{64}):([1-9][0-9]{0,15}):(0|[1-9][0-9]{0,19})$/;

/** The epoch, root and leaf count of a payout-root memo, or null for any other text. */
export function parseRootMemoText(text: string): { epoch: string; root: string; count: number } | null {
  const m = MEMO.exec(text);
  return m && Number.isSafeInteger(Number(m[3])) ? { epoch: m[1], root: m[2], count: Number(m[3]) } : null;
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", all));
}
const fromHex = (hex: unknown) =>
  typeof hex === "string" && /^[0-9a-f]{64}$/.test(hex)
    ? Uint8Array.from(hex.match(/../g)!, (byte) => parseInt(byte, 16))
    : null;
const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** RFC 9162 §2.1.3.2: whether the proof folds the payout's leaf to `root` in a tree of `count` leaves. */
export async function verifyPayoutInBrowser(p: BrowserPayoutProof & { root: string; count: number }): Promise<boolean> {
  const { index, count } = p;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 0 || index >= count) return false;
  if (!/^(0|[1-9][0-9]*)$/.test(p.amount)) return false;
  const leaf = new TextEncoder().encode(`pairwise-payout-v1|${p.epoch}|${p.wallet}|${p.amount}`);
  let r = await sha256(Uint8Array.of(0), leaf);
  let [fn, sn] = [index, count - 1];
  for (const hex of p.proof) {
    const h = fromHex(hex);
    if (!h || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(Uint8Array.of(1), h, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else r = await sha256(Uint8Array.of(1), r, h);
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && toHex(r) === p.root;
}

/** Whether the proof holds under the root and count of `memoText`, the memo of the epoch's root transaction. */
export async function verifyAgainstMemo(proof: BrowserPayoutProof, memoText: string): Promise<boolean> {
  const memo = parseRootMemoText(memoText);
  return memo !== null && memo.epoch === proof.epoch && verifyPayoutInBrowser({ ...proof, ...memo });
}
