import type { ChainTransaction } from "../chain/types.ts";
import {
  OrderRejectedError,
  verifyOrderTransaction,
  type OrderExpectation,
  type VerifiedOrderTransaction,
} from "../orders/verify.ts";

export type DepositExpectation = Omit<OrderExpectation, "kinds" | "memoAlone">;

export class DepositRejectedError extends OrderRejectedError {
  override name = "DepositRejectedError";
}

/**
 * Checks that a transaction fetched from the chain is a finalized, successful deposit of exactly the expected order:
 * one Transfer/TransferChecked of the platform mint into the treasury's token account, of exactly `amount`, signed
 * by the order's wallet, whose only memo is the order id (so the same transaction can never also be a redemption).
 * Throws DepositRejectedError with the first reason found; a signature used before is the database's to refuse.
 */
export function verifyDepositTransaction(params: {
  signature: string;
  tx: ChainTransaction | null;
  expected: DepositExpectation;
}): VerifiedOrderTransaction {
  return verifyOrderTransaction(
    { ...params, expected: { ...params.expected, kinds: ["transfer"], memoAlone: true } },
    DepositRejectedError,
  );
}
