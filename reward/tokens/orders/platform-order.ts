import { PublicKey } from "@solana/web3.js";
import type { PlatformToken } from "../chain/setup.ts";
import type { OrderExpectation } from "./verify.ts";

/** What every server-issued order (a redemption, a deposit) holds. */
export interface PlatformOrder {
  id: string;
  /** The wallet the order was issued to, which must sign it, even if its owner has linked another one since. */
  address: string;
  amount: bigint;
}

/** The order's transaction fields for the platform's token: the treasury pays the fee and receives transfers. */
export function orderTransactionFields(token: PlatformToken, order: PlatformOrder, recentBlockhash: string) {
  return {
    owner: new PublicKey(order.address),
    feePayer: token.treasury.publicKey,
    mint: token.mint,
    decimals: token.decimals,
    amount: order.amount,
    orderId: order.id,
    recentBlockhash,
    treasuryTokenAccount: token.treasuryTokenAccount,
    tokenProgramId: token.tokenProgramId,
  };
}

/** What a landed transaction must show to fulfil the order: the platform mint, its amount, wallet and memo. */
export function orderExpectation(token: PlatformToken, order: PlatformOrder): OrderExpectation {
  return {
    mint: token.mint,
    amount: order.amount,
    authority: new PublicKey(order.address),
    treasuryTokenAccount: token.treasuryTokenAccount,
    orderId: order.id,
    tokenProgramId: token.tokenProgramId,
  };
}
