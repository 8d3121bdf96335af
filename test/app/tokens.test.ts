import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAmount, formatTokens, parseTokens } from "../../app/utils/tokens.ts";

const amounts = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });
const decimalsSettings = fc.integer({ min: 0, max: 12 });

describe("token amounts for people, exactly", () => {
  it("round-trips base units through the text people read, for every decimals setting", () => {
    fc.assert(
      fc.property(amounts, decimalsSettings, (amount, decimals) => {
        expect(parseTokens(formatTokens(amount, decimals), decimals)).toBe(amount);
        const shown = formatAmount(amount, { decimals, symbol: "PWT" });
        expect(shown.endsWith(" PWT")).toBe(true);
        expect(parseTokens(shown.slice(0, -" PWT".length), decimals)).toBe(amount);
      }),
      { numRuns: 2000 },
    );
  });

  it("parses typed tokens to the same base units as integer arithmetic, never via floating point", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), decimalsSettings, (whole, decimals) => {
        const scale = 10n ** BigInt(decimals);
        const fraction = decimals ? "1".padStart(decimals, "0") : "";
        const text = decimals ? `${whole}.${fraction}` : `${whole}`;
        expect(parseTokens(text, decimals)).toBe(whole * scale + (decimals ? 1n : 0n));
      }),
    );
  });

  it("groups digits and keeps the exact fraction", () => {
    const pwt = { decimals: 6, symbol: "PWT" };
    expect(formatAmount(999_999_995_132_583n, pwt)).toBe("999,999,995.132583 PWT");
    expect(formatAmount("100000000", pwt)).toBe("100 PWT");
    expect(formatAmount(500_000n, pwt)).toBe("0.5 PWT");
    expect(formatAmount(0n, { decimals: 0, symbol: "T" })).toBe("0 T");
    expect(formatAmount(-1_500_000n, pwt)).toBe("-1.5 PWT");
  });

  it.each(["", "1.2.3", "-1", "1e6", "0x10", "1,23", "12,3456", "1.0000001", "٣", "1 000"])("refuses %j", (text) => {
    expect(parseTokens(text, 6)).toBeNull();
  });
});
