import { TransactionMessage, VersionedTransaction, type Keypair, type PublicKey } from "@solana/web3.js";
import { sendAndConfirm } from "../chain/confirm.ts";
import { ChainError, type ChainAdapter } from "../chain/types.ts";
import {
  findGoldCommitment,
  goldCommitmentMemoInstruction,
  type FoundGoldCommitment,
  type GoldCommitmentMemo,
} from "./commitment-memo.ts";

/**
 * Posts a gold commitment as a memo signed (and paid) by the treasury and waits until it is finalized; returns the
 * signature. Sent again after a failure, the same commitment only lands as a second identical memo.
 */
export async function postGoldCommitment(
  chain: ChainAdapter,
  treasury: Keypair,
  memo: GoldCommitmentMemo,
): Promise<{ signature: string }> {
  const { blockhash, lastValidBlockHeight } = await chain.getLatestBlockhash();
  const tx = new VersionedTransaction(
    new TransactionMessage({
      payerKey: treasury.publicKey,
      recentBlockhash: blockhash,
      instructions: [goldCommitmentMemoInstruction(memo, treasury.publicKey)],
    }).compileToV0Message(),
  );
  tx.sign([treasury]);
  const signature = await sendAndConfirm(chain, tx.serialize(), lastValidBlockHeight, { commitment: "finalized" });
  return { signature };
}

export type OnChainGoldCommitment = FoundGoldCommitment | { ok: false; reason: "unavailable"; message: string };

/** The gold commitment that transaction `signature` carries, read from the chain (getTransaction). */
export async function readGoldCommitment(
  chain: ChainAdapter,
  signature: string,
  treasury: PublicKey,
): Promise<OnChainGoldCommitment> {
  try {
    return findGoldCommitment(signature, await chain.getTransaction(signature), treasury);
  } catch (error) {
    if (error instanceof ChainError)
      return { ok: false, reason: "unavailable", message: `The chain could not be read: ${error.message}` };
    throw error;
  }
}
