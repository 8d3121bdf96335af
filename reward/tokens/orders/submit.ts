import { VersionedTransaction, type Keypair } from "@solana/web3.js";
import { confirmTransaction } from "../chain/confirm.ts";
import { ConfirmationError, TransactionRejectedError, type ChainAdapter } from "../chain/types.ts";
import type { OrderRejectedErrorClass } from "./verify.ts";

/** How long an issued order (and its transaction) may be signed and sent: ten minutes. */
export const ORDER_TTL_MS = 10 * 60_000;

/**
 * Sends a wallet-signed order transaction: checks that its message is exactly the one issued for the order
 * (`issued` rebuilds it on the transaction's own blockhash), adds the treasury's signature as fee payer, sends it
 * and waits until it is finalized. Returns the signature; refusals are `Rejected`, saying `nothingDone`
 * (e.g. "nothing was credited") when the transaction did not land.
 */
export async function submitSignedOrderTransaction(
  chain: ChainAdapter,
  params: {
    wire: Uint8Array;
    treasury: Keypair;
    issued: (recentBlockhash: string) => VersionedTransaction;
    Rejected: OrderRejectedErrorClass;
    nothingDone: string;
  },
): Promise<string> {
  const { Rejected } = params;
  let tx: VersionedTransaction;
  try {
    tx = VersionedTransaction.deserialize(params.wire);
  } catch {
    throw new Rejected("malformed", "That is not a Solana transaction.");
  }
  const expected = params.issued(tx.message.recentBlockhash).message.serialize();
  if (!Buffer.from(tx.message.serialize()).equals(Buffer.from(expected))) {
    throw new Rejected("malformed", "The signed transaction is not the one issued for this order.");
  }
  tx.sign([params.treasury]);
  // An upper bound of the transaction's own last valid height: its blockhash is no newer than this one.
  const { lastValidBlockHeight } = await chain.getLatestBlockhash();
  let signature: string;
  try {
    ({ signature } = await chain.sendRawTransaction(tx.serialize()));
  } catch (error) {
    if (error instanceof TransactionRejectedError) {
      const reason = error.reason === "signature-invalid" ? "signature-invalid" : "failed-on-chain";
      throw new Rejected(reason, `The chain refused the transaction: ${error.message}`);
    }
    throw error;
  }
  // Verified only once final, so a slow cluster is waited for instead of reported as a failure.
  try {
    await confirmTransaction(chain, signature, lastValidBlockHeight, { commitment: "finalized" });
  } catch (error) {
    if (error instanceof ConfirmationError)
      throw new Rejected("failed-on-chain", `${error.message}; ${params.nothingDone}`);
    throw error;
  }
  return signature;
}
