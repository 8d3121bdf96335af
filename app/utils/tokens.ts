// Token amounts between base units (bigint) and the decimal text people read and type.

/** How amounts are shown: the mint's decimals and the symbol people read beside them. */
export interface TokenDisplay {
  decimals: number;
  symbol: string;
}

/** Token amounts for people: base units as a decimal string with the mint's decimals (no grouping, no symbol). */
export function formatTokens(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const fraction = (abs % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return (negative ? "-" : "") + (fraction ? `${whole}.${fraction}` : whole.toString());
}

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/**
 * An amount as people read it: grouped digits, the exact fraction without trailing zeros (never rounded: a ledger
 * must add up), and the symbol, e.g. "1,234.5 PWT". Takes base units as a bigint or the API's decimal string.
 */
export function formatAmount(amount: bigint | string, token: TokenDisplay): string {
  const text = formatTokens(typeof amount === "string" ? BigInt(amount) : amount, token.decimals);
  const [whole, fraction] = text.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  return `${sign}${group(whole.replace("-", ""))}${fraction ? `.${fraction}` : ""} ${token.symbol}`;
}

/**
 * Parses tokens as typed ("12.5", "1,234.5", " 3 ") into base units exactly, refusing more decimals than the mint
 * has, signs, exponents and anything else; null when it is not an amount.
 */
export function parseTokens(text: string, decimals: number): bigint | null {
  const m = /^(\d{1,3}(?:,\d{3})+|\d{1,25})(?:\.(\d+))?$/.exec(text.trim());
  if (!m || (m[2] && m[2].length > decimals)) return null;
  const whole = BigInt(m[1].replaceAll(",", ""));
  return whole * 10n ** BigInt(decimals) + BigInt((m[2] ?? "").padEnd(decimals, "0") || "0");
}
