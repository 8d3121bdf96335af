import { TransactionMessage, VersionedTransaction, type PublicKey } from "@solana/web3.js";
import { TOKEN_PROGRAM_ID, createBurnCheckedInstruction, createTransferCheckedInstruction } from "@solana/spl-token";
import { associatedTokenAccount } from "../chain/token-account-address.ts";
import { buildMemoInstruction } from "../chain/memo.ts";

export interface RedemptionTransactionParams {
  /** The labeler's linked wallet: signs, and gives up the tokens from its associated token account. */
  owner: PublicKey;
  /** Pays the fee (default: the owner); the platform sponsors it so a wallet holding only tokens can redeem. */
  feePayer?: PublicKey;
  mint: PublicKey;
  decimals: number;
  amount: bigint;
  /** The server-issued order id; the memo carries it verbatim. */
  orderId: string;
  recentBlockhash: string;
  mode: "burn" | "transfer";
  treasuryTokenAccount: PublicKey;
  tokenProgramId?: PublicKey;
}

/** The unsigned transaction the labeler's wallet signs to redeem: a memo with the order id, then BurnChecked or TransferChecked. */
export function buildRedemptionTransaction(params: RedemptionTransactionParams): VersionedTransaction {
  const { owner, mint, decimals, amount } = params;
  const tokenProgramId = params.tokenProgramId ?? TOKEN_PROGRAM_ID;
  const source = associatedTokenAccount(mint, owner, tokenProgramId);
  const instructions = [
    buildMemoInstruction(params.orderId),
    params.mode === "burn"
      ? createBurnCheckedInstruction(source, mint, owner, amount, decimals, [], tokenProgramId)
      : createTransferCheckedInstruction(
          source,
          mint,
          params.treasuryTokenAccount,
          owner,
          amount,
          decimals,
          [],
          tokenProgramId,
        ),
  ];
  const message = new TransactionMessage({
    payerKey: params.feePayer ?? owner,
    recentBlockhash: params.recentBlockhash,
    instructions,
  }).compileToV0Message();
  return new VersionedTransaction(message);
}
