import type { PublicKey, VersionedTransaction } from "@solana/web3.js";
import { buildOrderTransaction } from "../orders/transaction.ts";

export interface DepositTransactionParams {
  /** The requester's linked wallet: signs, and gives up the tokens from its associated token account. */
  owner: PublicKey;
  /** The treasury: pays the fee, so a wallet holding only tokens can deposit. */
  feePayer: PublicKey;
  mint: PublicKey;
  decimals: number;
  amount: bigint;
  /** The server-issued deposit order id; the memo carries it verbatim. */
  orderId: string;
  recentBlockhash: string;
  treasuryTokenAccount: PublicKey;
  tokenProgramId?: PublicKey;
}

/**
 * The unsigned transaction the requester's wallet signs to fund a project: a memo with the order id, then a
 * TransferChecked of the platform mint from the wallet's associated token account to the treasury's token account.
 */
export function buildDepositTransaction(params: DepositTransactionParams): VersionedTransaction {
  return buildOrderTransaction({ ...params, mode: "transfer" });
}
