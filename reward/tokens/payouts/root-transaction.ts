// The payout root's transaction (one Memo, signed by the treasury) and how a verifier reads it back from the chain.
import {
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
  type Keypair,
  type PublicKey,
} from "@solana/web3.js";
import { ed25519 } from "@noble/curves/ed25519";
import bs58 from "bs58";
import { transactionFee } from "../chain/fees.ts";
import { MEMO_PROGRAM_ID, MEMO_V1_PROGRAM_ID } from "../chain/memo.ts";
import type { ChainAdapter, ChainTransaction } from "../chain/types.ts";
import { parsePayoutRootMemo, PayoutMemoError, type PayoutRootMemo } from "./merkle.ts";

/**
 * The root's memo instruction. The treasury is listed as a signer of the memo itself, so the Memo program checks
 * the signature too and explorers show the memo as signed by the treasury.
 */
export function rootMemoInstruction(memo: string, treasury: PublicKey): TransactionInstruction {
  return new TransactionInstruction({
    programId: MEMO_PROGRAM_ID,
    keys: [{ pubkey: treasury, isSigner: true, isWritable: false }],
    data: Buffer.from(memo, "utf8"),
  });
}

/** A v0 transaction paid and signed by the treasury whose one instruction is the root memo (unsigned). */
export function buildRootTransaction(params: {
  treasury: PublicKey;
  memo: string;
  recentBlockhash: string;
}): VersionedTransaction {
  return new VersionedTransaction(
    new TransactionMessage({
      payerKey: params.treasury,
      recentBlockhash: params.recentBlockhash,
      instructions: [rootMemoInstruction(params.memo, params.treasury)],
    }).compileToV0Message(),
  );
}

export interface PreparedRootTransaction {
  wire: Uint8Array;
  signature: string;
  lastValidBlockHeight: bigint;
  fee: bigint;
}

/** Builds the root memo transaction on a fresh blockhash and signs it with the treasury key. Nothing is sent. */
export async function prepareRootTransaction(
  chain: ChainAdapter,
  params: { treasury: Keypair; memo: string },
): Promise<PreparedRootTransaction> {
  const { blockhash, lastValidBlockHeight } = await chain.getLatestBlockhash();
  const tx = buildRootTransaction({
    treasury: params.treasury.publicKey,
    memo: params.memo,
    recentBlockhash: blockhash,
  });
  tx.sign([params.treasury]);
  return {
    wire: tx.serialize(),
    signature: bs58.encode(tx.signatures[0]),
    lastValidBlockHeight,
    fee: transactionFee(tx.message),
  };
}

/** A root memo as read from the chain, or why it could not be taken as one. */
export type RootMemoReading =
  { ok: true; memo: PayoutRootMemo; text: string; slot: bigint } | { ok: false; reason: string };

/** The texts of the transaction's top-level Memo instructions (either Memo program), in order. */
export function memoTexts(landed: ChainTransaction): string[] {
  const message = landed.transaction.message;
  const keys = message.staticAccountKeys;
  const texts: string[] = [];
  for (const ix of message.compiledInstructions) {
    const program = keys[ix.programIdIndex];
    if (program && (program.equals(MEMO_PROGRAM_ID) || program.equals(MEMO_V1_PROGRAM_ID))) {
      texts.push(new TextDecoder("utf-8", { fatal: false }).decode(ix.data));
    }
  }
  return texts;
}

/**
 * Reads the payout-root memo of transaction `signature` from the chain and checks it the way a labeler should: the
 * transaction exists, is finalized without error, its fee payer and first signer is `treasury` and that signature
 * verifies over the message (ed25519, checked here, not taken from the node), and exactly one of its memos is a
 * well-formed payout-root memo.
 */
export async function readRootMemo(
  chain: ChainAdapter,
  signature: string,
  treasury: PublicKey,
): Promise<RootMemoReading> {
  const landed = await chain.getTransaction(signature);
  if (!landed) return { ok: false, reason: `the root transaction ${signature} is not on chain` };
  if (landed.err !== null) return { ok: false, reason: `the root transaction ${signature} failed on chain` };
  if (landed.confirmationStatus !== "finalized")
    return { ok: false, reason: `the root transaction ${signature} is not finalized yet` };
  const { message, signatures } = landed.transaction;
  const payer = message.staticAccountKeys[0];
  if (!payer?.equals(treasury) || message.header.numRequiredSignatures < 1)
    return { ok: false, reason: `the root transaction was not signed by the treasury ${treasury.toBase58()}` };
  if (
    bs58.encode(signatures[0]) !== signature ||
    !ed25519.verify(signatures[0], message.serialize(), treasury.toBytes())
  )
    return { ok: false, reason: "the root transaction's treasury signature does not verify" };
  const memos: PayoutRootMemo[] = [];
  let text = "";
  for (const candidate of memoTexts(landed)) {
    try {
      const parsed = parsePayoutRootMemo(candidate);
      if (parsed) {
        memos.push(parsed);
        text = candidate;
      }
    } catch (error) {
      if (error instanceof PayoutMemoError) return { ok: false, reason: error.message };
      throw error;
    }
  }
  if (memos.length !== 1)
    return { ok: false, reason: `the root transaction carries ${memos.length} payout-root memos, not one` };
  return { ok: true, memo: memos[0], text, slot: landed.slot };
}
