/**
 * A moment as admins read it, in UTC like the payout days ("2026-11-23 14:05:12 UTC"): the same text on the server
 * and in every browser, whatever their time zones.
 */
export function utcTime(at: Date | string): string {
  return `${new Date(at).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
