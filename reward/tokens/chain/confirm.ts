import { setTimeout as sleep } from "node:timers/promises";
import { TransactionMessage, VersionedTransaction, type Keypair, type TransactionInstruction } from "@solana/web3.js";
import { ConfirmationError, type ChainAdapter, type Commitment, type SignatureStatus } from "./types.ts";

const RANK: Record<Commitment, number> = { processed: 0, confirmed: 1, finalized: 2 };

export interface ConfirmOptions {
  commitment?: Commitment;
  pollIntervalMs?: number;
}

/**
 * Waits until the signature reaches `commitment` (default confirmed). Throws ConfirmationError when it landed with an
 * error, or when the block height passed `lastValidBlockHeight` without it landing (it never can any more).
 * On the embedded chain slots only move with transactions and advance(): with a finalityDepth, waiting for
 * "finalized" needs someone to advance it.
 */
export async function confirmTransaction(
  chain: ChainAdapter,
  signature: string,
  lastValidBlockHeight: bigint,
  options: ConfirmOptions = {},
): Promise<SignatureStatus> {
  const wanted = RANK[options.commitment ?? "confirmed"];
  for (;;) {
    const [status] = await chain.getSignatureStatuses([signature]);
    if (status?.err)
      throw new ConfirmationError(
        `transaction ${signature} failed: ${JSON.stringify(status.err)}`,
        signature,
        status.err,
      );
    if (status && RANK[status.confirmationStatus] >= wanted) return status;
    if (!status && (await chain.getBlockHeight()) > lastValidBlockHeight) {
      const [late] = await chain.getSignatureStatuses([signature]);
      if (!late) throw new ConfirmationError(`transaction ${signature} expired without landing`, signature);
      continue;
    }
    await sleep(options.pollIntervalMs ?? 400);
  }
}

/** Sends signed bytes and waits for them as confirmTransaction does. */
export async function sendAndConfirm(
  chain: ChainAdapter,
  wire: Uint8Array,
  lastValidBlockHeight: bigint,
  options: ConfirmOptions = {},
): Promise<string> {
  const { signature } = await chain.sendRawTransaction(wire);
  await confirmTransaction(chain, signature, lastValidBlockHeight, options);
  return signature;
}

/**
 * Compiles `instructions` into a v0 transaction paid by `payer` on a fresh blockhash, signs it (with `signers` too),
 * sends it and waits as confirmTransaction does. Returns the signature and the slot it landed in.
 */
export async function sendInstructions(
  chain: ChainAdapter,
  payer: Keypair,
  instructions: TransactionInstruction[],
  signers: Keypair[] = [],
): Promise<{ signature: string; slot: bigint }> {
  const { blockhash, lastValidBlockHeight } = await chain.getLatestBlockhash();
  const tx = new VersionedTransaction(
    new TransactionMessage({
      payerKey: payer.publicKey,
      recentBlockhash: blockhash,
      instructions,
    }).compileToV0Message(),
  );
  tx.sign([payer, ...signers]);
  const { signature } = await chain.sendRawTransaction(tx.serialize());
  const { slot } = await confirmTransaction(chain, signature, lastValidBlockHeight);
  return { signature, slot };
}
