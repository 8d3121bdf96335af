import { formatAmount, parseTokens, type TokenDisplay } from "./tokens.ts";

export interface RedeemLimits {
  token: TokenDisplay;
  /** What the linked wallet holds, in base units. */
  balance: bigint;
  /** One credit's worth in base units: a redemption is a whole number of credits. */
  creditUnit: bigint;
}

/** The most the wallet can redeem: its balance rounded down to whole credits. */
export function maxRedeemable({ balance, creditUnit }: RedeemLimits): bigint {
  return balance - (balance % creditUnit);
}

/** Reads the amount typed on the Wallet page, refusing what the server would refuse, before anything is signed. */
export function checkRedeemAmount(text: string, limits: RedeemLimits): { amount: bigint } | { error: string } {
  const { token, balance, creditUnit } = limits;
  const amount = parseTokens(text, token.decimals);
  if (amount === null || amount <= 0n)
    return { error: `Enter an amount of ${token.symbol}, with at most ${token.decimals} decimals.` };
  if (amount > balance)
    return {
      error: `Your wallet holds ${formatAmount(balance, token)}: redeem at most that (Max fills it in).`,
    };
  if (amount % creditUnit !== 0n)
    return { error: `Redeem a multiple of ${formatAmount(creditUnit, token)} (one credit).` };
  return { amount };
}
