import { randomUUID } from "node:crypto";
import { refundCredits, spendCredits } from "../../../db/queries/credits.ts";
import type { Db } from "../../../db/client.ts";

/** Credits per scored response; a judgement scores two, best-of-n chat scores n and pays for n upstream samples. */
export const CREDITS_PER_RESPONSE = 1n;
/** A judgement scores the prompt with both responses. */
export const CREDITS_PER_JUDGEMENT = 2n * CREDITS_PER_RESPONSE;
export const CREDITS_PER_SAMPLE = 5n;

/**
 * Charges `credits` before the work and gives them back if the work then fails on our side, so a call is paid
 * exactly when it delivered. Out of credits is a 402 with the balance in the message.
 */
export async function metered<T>(
  db: Db,
  userId: string,
  credits: bigint,
  what: string,
  work: () => Promise<T>,
): Promise<T & { credits: { spent: string; balance: string } }> {
  const ref = `${what}:${randomUUID()}`;
  const balance = await spendCredits(db, { userId, credits, ref });
  try {
    const result = await work();
    return { ...result, credits: { spent: credits.toString(), balance: balance.toString() } };
  } catch (error) {
    await refundCredits(db, { userId, credits, ref });
    throw error;
  }
}
