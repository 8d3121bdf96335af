import type { EpochWindow } from "../../../db/queries/payouts/ledger.ts";

const DAY_MS = 86_400_000;

export class EpochNotOverError extends Error {
  override name = "EpochNotOverError";
}

/** The daily epoch holding `at` (UTC), e.g. 2026-11-23 covers that whole day. */
export function dailyEpoch(at: Date): EpochWindow {
  const startsAt = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  return { id: startsAt.toISOString().slice(0, 10), startsAt, endsAt: new Date(startsAt.getTime() + DAY_MS) };
}

/** The epoch `days` days before the one holding `at` (default: the day before, "yesterday"). */
export function previousEpoch(at: Date, days = 1): EpochWindow {
  return dailyEpoch(new Date(at.getTime() - days * DAY_MS));
}

export function parseEpochId(id: string): EpochWindow {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(id) || Number.isNaN(Date.parse(`${id}T00:00:00Z`))) {
    throw new Error(`epoch must be a UTC date like 2026-11-23, got "${id}"`);
  }
  return dailyEpoch(new Date(`${id}T00:00:00Z`));
}
