// Bounds on the token amounts people type in (rewards, budgets, deposits), in base units of the platform mint.
// Pure: the caller passes the mint's decimals (the app: TOKEN_DECIMALS from config/env.ts; the chain code: the
// token's own).

/** The largest amount a bigint column (PostgreSQL int8) holds. */
export const I64_MAX = 2n ** 63n - 1n;

/** In whole tokens: 10³ per label, 10⁹ of budget or in one deposit (or admin funding), 10⁶ of bonus. */
const MAX_TOKENS = {
  rewardPerLabel: 1_000n,
  budget: 1_000_000_000n,
  deposit: 1_000_000_000n,
  bonus: 1_000_000n,
} as const;

export interface AmountLimits {
  rewardPerLabel: bigint;
  budget: bigint;
  /** The most one deposit, or one funding an admin records, may add to a project. */
  deposit: bigint;
  bonus: bigint;
}

/** The limits in base units of a mint with `decimals` decimals (never above what an int8 column holds). */
export function amountLimits(decimals: number): AmountLimits {
  const scale = 10n ** BigInt(decimals);
  const cap = (tokens: bigint) => (tokens * scale < I64_MAX ? tokens * scale : I64_MAX);
  return {
    rewardPerLabel: cap(MAX_TOKENS.rewardPerLabel),
    budget: cap(MAX_TOKENS.budget),
    deposit: cap(MAX_TOKENS.deposit),
    bonus: cap(MAX_TOKENS.bonus),
  };
}
