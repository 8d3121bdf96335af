import type { VersionedTransaction } from "@solana/web3.js";
import { buildOrderTransaction, type OrderTransactionParams } from "../orders/transaction.ts";

export type RedemptionTransactionParams = OrderTransactionParams;

/** The unsigned transaction the labeler's wallet signs to redeem: a memo with the order id, then BurnChecked or TransferChecked. */
export function buildRedemptionTransaction(params: RedemptionTransactionParams): VersionedTransaction {
  return buildOrderTransaction(params);
}
