import { TransactionMessage, VersionedTransaction, type PublicKey } from "@solana/web3.js";
import { TOKEN_PROGRAM_ID, createBurnCheckedInstruction, createTransferCheckedInstruction } from "@solana/spl-token";
import { associatedTokenAccount } from "../chain/token-account-address.ts";
import { buildMemoInstruction } from "../chain/memo.ts";

export interface OrderTransactionParams {
  /** The user's linked wallet: signs, and gives up the tokens from its associated token account. */
  owner: PublicKey;
  /** Pays the fee (default: the owner); the platform sponsors it so a wallet holding only tokens can sign. */
  feePayer?: PublicKey;
  mint: PublicKey;
  decimals: number;
  amount: bigint;
  /** The server-issued order id; the memo carries it verbatim. */
  orderId: string;
  recentBlockhash: string;
  /** Burn the tokens, or transfer them to the treasury's token account. */
  mode: "burn" | "transfer";
  treasuryTokenAccount: PublicKey;
  tokenProgramId?: PublicKey;
}

/**
 * The unsigned transaction a user's wallet signs for a server-issued order (a redemption, a deposit): a memo with
 * the order id, then BurnChecked or a TransferChecked to the treasury.
 */
export function buildOrderTransaction(params: OrderTransactionParams): VersionedTransaction {
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
