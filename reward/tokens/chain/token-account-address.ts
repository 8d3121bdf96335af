import type { PublicKey } from "@solana/web3.js";
import { TOKEN_PROGRAM_ID, getAssociatedTokenAddressSync } from "@solana/spl-token";

const MAX_REMEMBERED = 200_000;
const remembered = new Map<string, PublicKey>();

/**
 * The associated token account of `owner` for `mint` (off-curve owners allowed). Deriving one costs about half a
 * millisecond of hashing and curve checks, and a payout derives the same few thousand again every epoch, so the
 * results are remembered (up to 200,000; then the memory starts over).
 */
export function associatedTokenAccount(
  mint: PublicKey,
  owner: PublicKey,
  tokenProgramId: PublicKey = TOKEN_PROGRAM_ID,
): PublicKey {
  const key = `${mint.toBase58()}:${owner.toBase58()}:${tokenProgramId.toBase58()}`;
  let account = remembered.get(key);
  if (!account) {
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    account = getAssociatedTokenAddressSync(mint, owner, true, tokenProgramId);
    remembered.set(key, account);
  }
  return account;
}
