// Token amounts between base units (bigint) and the decimal text people read and type.

/** Token amounts for people: base units as a decimal string with the mint's decimals. */
export function formatTokens(amount: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const whole = amount / scale;
  const fraction = (amount % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

/** Parses "12.5" tokens into base units, refusing more decimals than the mint has. */
export function parseTokens(text: string, decimals: number): bigint | null {
  const m = /^(\d{1,15})(?:\.(\d+))?$/.exec(text.trim());
  if (!m || (m[2] && m[2].length > decimals)) return null;
  return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt((m[2] ?? "").padEnd(decimals, "0") || "0");
}
