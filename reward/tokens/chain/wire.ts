import { VersionedTransaction } from "@solana/web3.js";
import { TransactionRejectedError } from "./types.ts";

/** A transaction's wire bytes decoded, or TransactionRejectedError("malformed") naming what is wrong with them. */
export function decodeWireTransaction(wire: Uint8Array): VersionedTransaction {
  try {
    return VersionedTransaction.deserialize(wire);
  } catch (error) {
    throw new TransactionRejectedError("malformed", `not a transaction: ${(error as Error).message}`);
  }
}
