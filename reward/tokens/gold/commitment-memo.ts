import { ed25519 } from "@noble/curves/ed25519";
import { PublicKey, TransactionInstruction } from "@solana/web3.js";
import bs58 from "bs58";
import { MEMO_PROGRAM_ID, MEMO_V1_PROGRAM_ID } from "../chain/memo.ts";
import type { ChainTransaction } from "../chain/types.ts";

/** A gold commitment as its memo carries it: `pairwise:gold-commit:v1:<project id>:<commitment hex>:<items>`. */
export interface GoldCommitmentMemo {
  projectId: string;
  /** SHA-256(salt || canonical gold list), 64 lowercase hex digits. */
  commitment: string;
  items: number;
}

const PREFIX = "pairwise:gold-commit:v1:";
const MEMO =
  /^pairwise:gold-commit:v1:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([0-9a-f]{64}):(0|[1-9]\d{0,15})$/;

export function goldCommitmentMemoText(memo: GoldCommitmentMemo): string {
  const text = `${PREFIX}${memo.projectId}:${memo.commitment}:${memo.items}`;
  if (!MEMO.test(text)) throw new Error(`not a valid gold commitment memo: ${text}`);
  return text;
}

/** The memo's fields, or null when `text` is not a gold commitment memo. */
export function parseGoldCommitmentMemo(text: string): GoldCommitmentMemo | null {
  const match = MEMO.exec(text);
  return match ? { projectId: match[1], commitment: match[2], items: Number(match[3]) } : null;
}

/** The memo instruction, naming the treasury as its signer (the Memo program then fails unless it signed). */
export function goldCommitmentMemoInstruction(memo: GoldCommitmentMemo, signer: PublicKey): TransactionInstruction {
  return new TransactionInstruction({
    programId: MEMO_PROGRAM_ID,
    keys: [{ pubkey: signer, isSigner: true, isWritable: false }],
    data: Buffer.from(goldCommitmentMemoText(memo), "utf8"),
  });
}

export type FoundGoldCommitment =
  ({ ok: true; slot: bigint } & GoldCommitmentMemo) | { ok: false; reason: "invalid"; message: string };

/**
 * Reads the gold commitment out of a landed transaction, trusting only its decoded message and checked signatures:
 * it must be `signature`, finalized, successful, paid and signed by the treasury, and carry exactly one gold
 * commitment memo.
 */
export function findGoldCommitment(
  signature: string,
  tx: ChainTransaction | null,
  treasury: PublicKey,
): FoundGoldCommitment {
  const invalid = (message: string): FoundGoldCommitment => ({ ok: false, reason: "invalid", message });
  if (!tx) return invalid(`Transaction ${signature} is not on the chain.`);
  const { message, signatures } = tx.transaction;
  if (signatures.length === 0 || bs58.encode(signatures[0]) !== signature)
    return invalid(`The chain returned another transaction for ${signature}.`);
  const payer = message.staticAccountKeys[0];
  if (!payer?.equals(treasury)) return invalid(`Transaction ${signature} was not signed by the treasury.`);
  if (!ed25519.verify(signatures[0], message.serialize(), payer.toBytes()))
    return invalid(`The treasury's signature on ${signature} does not match its message.`);
  if (tx.err !== null) return invalid(`Transaction ${signature} failed on chain.`);
  if (tx.confirmationStatus !== "finalized") return invalid(`Transaction ${signature} is not finalized yet.`);
  const keys = message.getAccountKeys({ accountKeysFromLookups: tx.loadedAddresses });
  const memos = message.compiledInstructions
    .filter((ix) => {
      const program = keys.get(ix.programIdIndex);
      return program && (program.equals(MEMO_PROGRAM_ID) || program.equals(MEMO_V1_PROGRAM_ID));
    })
    .map((ix) => parseGoldCommitmentMemo(Buffer.from(ix.data).toString("utf8")))
    .filter((m): m is GoldCommitmentMemo => m !== null);
  if (memos.length !== 1)
    return invalid(`Transaction ${signature} carries ${memos.length} gold commitment memos, not one.`);
  return { ok: true, slot: tx.slot, ...memos[0] };
}
