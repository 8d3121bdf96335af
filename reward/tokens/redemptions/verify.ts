import type { ChainTransaction } from "../chain/types.ts";
import {
  OrderRejectedError,
  verifyOrderTransaction,
  type OrderExpectation,
  type OrderRejection,
  type VerifiedOrderTransaction,
} from "../orders/verify.ts";

export type RedemptionRejection = OrderRejection;
export type RedemptionExpectation = OrderExpectation;
export type VerifiedRedemption = VerifiedOrderTransaction;

export class RedemptionRejectedError extends OrderRejectedError {
  override name = "RedemptionRejectedError";
}

/**
 * Checks that a transaction fetched from the chain is a finalized, successful redemption of exactly the expected
 * order: one Burn/BurnChecked of the platform mint, or one Transfer/TransferChecked into the treasury token account,
 * of exactly `amount`, by the linked wallet, with a memo equal to the order id (verifyOrderTransaction). Throws
 * RedemptionRejectedError with the first reason found. (The same signature redeemed twice is the database's to refuse.)
 */
export function verifyRedemptionTransaction(params: {
  /** The signature the labeler submitted. */
  signature: string;
  /** What the chain returned for it (ChainAdapter.getTransaction). */
  tx: ChainTransaction | null;
  expected: RedemptionExpectation;
}): VerifiedRedemption {
  return verifyOrderTransaction(params, RedemptionRejectedError);
}
