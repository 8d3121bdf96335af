import { ed25519 } from "@noble/curves/ed25519";
import { PublicKey, TransactionInstruction } from "@solana/web3.js";
import {
  TOKEN_PROGRAM_ID,
  TokenInstruction,
  decodeBurnCheckedInstruction,
  decodeBurnInstruction,
  decodeTransferCheckedInstruction,
  decodeTransferInstruction,
} from "@solana/spl-token";
import bs58 from "bs58";
import type { ChainTransaction } from "../chain/types.ts";
import { MEMO_PROGRAM_ID, MEMO_V1_PROGRAM_ID } from "../chain/memo.ts";

export type OrderRejection =
  | "not-found"
  | "signature-invalid"
  | "failed-on-chain"
  | "not-finalized"
  | "malformed"
  | "no-burn-or-transfer"
  | "multiple-burns-or-transfers"
  | "wrong-kind"
  | "wrong-mint"
  | "wrong-destination"
  | "wrong-authority"
  | "wrong-amount"
  | "memo-missing"
  | "memo-mismatch";

/** A transaction shown for a server-issued order was refused; `reason` is stable (the API's code, dashes as underscores). */
export class OrderRejectedError extends Error {
  override name = "OrderRejectedError";
  constructor(
    readonly reason: OrderRejection,
    message: string,
  ) {
    super(message);
  }
}

/** The refusal class an order flow throws (RedemptionRejectedError, DepositRejectedError). */
export type OrderRejectedErrorClass = new (reason: OrderRejection, message: string) => OrderRejectedError;

export interface OrderExpectation {
  /** The platform mint. */
  mint: PublicKey;
  /** Base units the order asks for. */
  amount: bigint;
  /** The wallet the order was issued to: the one whose tokens must go. */
  authority: PublicKey;
  treasuryTokenAccount: PublicKey;
  /** The server-issued order id that the memo must carry. */
  orderId: string;
  tokenProgramId?: PublicKey;
  /** Which token moves fulfil the order (default both: a burn, or a transfer to the treasury). */
  kinds?: readonly ("burn" | "transfer")[];
  /**
   * Refuse any memo other than the order id, so that one transaction can never be shown for two orders of
   * different kinds (e.g. a deposit and a redemption of the same amount, each finding its own memo).
   */
  memoAlone?: boolean;
}

export interface VerifiedOrderTransaction {
  signature: string;
  slot: bigint;
  kind: "burn" | "transfer";
  amount: bigint;
  authority: PublicKey;
  /** The token account the tokens left. */
  source: PublicKey;
  orderId: string;
}

interface ValueMove {
  kind: "burn" | "transfer";
  amount: bigint;
  source: PublicKey;
  authority: PublicKey;
  authorityIsSigner: boolean;
  /** Unknown for a plain Transfer, which names no mint: the destination's mint is then the one moved. */
  mint: PublicKey | null;
  destination: PublicKey | null;
}

function decodeValueMove(ix: TransactionInstruction, programId: PublicKey): ValueMove | null {
  if (!ix.programId.equals(programId)) return null;
  switch (ix.data[0]) {
    case TokenInstruction.Burn:
    case TokenInstruction.BurnChecked: {
      const { keys, data } =
        ix.data[0] === TokenInstruction.Burn
          ? decodeBurnInstruction(ix, programId)
          : decodeBurnCheckedInstruction(ix, programId);
      return {
        kind: "burn",
        amount: data.amount,
        source: keys.account.pubkey,
        authority: keys.owner.pubkey,
        authorityIsSigner: keys.owner.isSigner,
        mint: keys.mint.pubkey,
        destination: null,
      };
    }
    case TokenInstruction.Transfer:
    case TokenInstruction.TransferChecked: {
      const { keys, data } =
        ix.data[0] === TokenInstruction.Transfer
          ? decodeTransferInstruction(ix, programId)
          : decodeTransferCheckedInstruction(ix, programId);
      return {
        kind: "transfer",
        amount: data.amount,
        source: keys.source.pubkey,
        authority: keys.owner.pubkey,
        authorityIsSigner: keys.owner.isSigner,
        mint: "mint" in keys ? keys.mint.pubkey : null,
        destination: keys.destination.pubkey,
      };
    }
    default:
      return null;
  }
}

/** The top-level instructions with their accounts resolved (lookup tables included). */
function instructionsOf(tx: ChainTransaction, reject: Reject): TransactionInstruction[] {
  const { message } = tx.transaction;
  const keys = message.getAccountKeys({ accountKeysFromLookups: tx.loadedAddresses });
  const key = (index: number) => keys.get(index) ?? reject("malformed", `account index ${index} does not resolve`);
  return message.compiledInstructions.map(
    (ix) =>
      new TransactionInstruction({
        programId: key(ix.programIdIndex),
        keys: ix.accountKeyIndexes.map((i) => ({
          pubkey: key(i),
          isSigner: message.isAccountSigner(i),
          isWritable: message.isAccountWritable(i),
        })),
        data: Buffer.from(ix.data),
      }),
  );
}

type Reject = (reason: OrderRejection, message: string) => never;

/**
 * Checks that a transaction fetched from the chain is a finalized, successful fulfilment of exactly the expected
 * order: one Burn/BurnChecked of the platform mint, or one Transfer/TransferChecked into the treasury token account
 * (as `kinds` allows), of exactly `amount`, by the order's wallet, with a memo equal to the order id. Everything is
 * read from the decoded instructions and checked signatures, never from logs. Throws `Rejected` (default
 * OrderRejectedError) with the first reason found. (The same signature shown twice is the database's to refuse.)
 */
export function verifyOrderTransaction(
  params: {
    /** The signature the user submitted. */
    signature: string;
    /** What the chain returned for it (ChainAdapter.getTransaction). */
    tx: ChainTransaction | null;
    expected: OrderExpectation;
  },
  Rejected: OrderRejectedErrorClass = OrderRejectedError,
): VerifiedOrderTransaction {
  const { signature, tx, expected } = params;
  const reject: Reject = (reason, message) => {
    throw new Rejected(reason, message);
  };
  if (!tx) reject("not-found", `transaction ${signature} is not on the chain (never sent, forged, or not landed yet)`);
  const { message, signatures } = tx.transaction;
  if (signatures.length === 0 || bs58.encode(signatures[0]) !== signature)
    reject("signature-invalid", `the transaction found is not ${signature}`);
  const signed = message.serialize();
  for (let i = 0; i < message.header.numRequiredSignatures; i++) {
    if (!signatures[i] || !ed25519.verify(signatures[i], signed, message.staticAccountKeys[i].toBytes())) {
      reject("signature-invalid", `signature ${i} of ${signature} does not match its message`);
    }
  }
  if (tx.err !== null) reject("failed-on-chain", `transaction ${signature} failed on chain: ${JSON.stringify(tx.err)}`);
  if (tx.confirmationStatus !== "finalized")
    reject("not-finalized", `transaction ${signature} is ${tx.confirmationStatus}, not finalized yet`);

  const instructions = instructionsOf(tx, reject);
  const tokenProgramId = expected.tokenProgramId ?? TOKEN_PROGRAM_ID;
  const moves = instructions.map((ix) => decodeValueMove(ix, tokenProgramId)).filter((m): m is ValueMove => m !== null);
  if (moves.length === 0) reject("no-burn-or-transfer", "no burn or transfer to the treasury");
  if (moves.length > 1)
    reject("multiple-burns-or-transfers", `${moves.length} burns or transfers where one was expected`);
  const [move] = moves;
  const kinds = expected.kinds ?? ["burn", "transfer"];
  if (!kinds.includes(move.kind))
    reject("wrong-kind", `a ${move.kind} where ${kinds.map((k) => `a ${k}`).join(" or ")} was expected`);
  if (move.mint && !move.mint.equals(expected.mint))
    reject("wrong-mint", `wrong mint: ${move.mint.toBase58()} is not ${expected.mint.toBase58()}`);
  if (move.destination && !move.destination.equals(expected.treasuryTokenAccount)) {
    reject("wrong-destination", `the transfer goes to ${move.destination.toBase58()}, not the treasury`);
  }
  if (!move.authority.equals(expected.authority) || !move.authorityIsSigner) {
    reject(
      "wrong-authority",
      `signed by another wallet: ${move.authority.toBase58()} is not the linked wallet ${expected.authority.toBase58()}`,
    );
  }
  if (move.amount !== expected.amount)
    reject("wrong-amount", `amount ${move.amount} does not match order ${expected.amount}`);

  const memos = instructions
    .filter((ix) => ix.programId.equals(MEMO_PROGRAM_ID) || ix.programId.equals(MEMO_V1_PROGRAM_ID))
    .map((ix) => ix.data.toString("utf8"));
  if (memos.length === 0) reject("memo-missing", `no memo; expected order ${expected.orderId}`);
  if (!memos.includes(expected.orderId)) reject("memo-mismatch", `memo does not carry order ${expected.orderId}`);
  if (expected.memoAlone && memos.some((m) => m !== expected.orderId))
    reject("memo-mismatch", `a memo besides order ${expected.orderId}: one transaction fulfils one order`);

  return {
    signature,
    slot: tx.slot,
    kind: move.kind,
    amount: move.amount,
    authority: move.authority,
    source: move.source,
    orderId: expected.orderId,
  };
}
