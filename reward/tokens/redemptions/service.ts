import { PublicKey } from "@solana/web3.js";
import type { Db } from "../../../db/client.ts";
import { DomainError } from "../../../db/errors.ts";
import { creditRedemptionOrder, createRedemptionOrder, getRedemptionOrder } from "../../../db/queries/redemptions.ts";
import { getLinkedWallet } from "../../../db/queries/wallets.ts";
import type { PlatformToken } from "../chain/setup.ts";
import { ownerTokenBalance } from "../chain/token-accounts.ts";
import type { ChainAdapter } from "../chain/types.ts";
import { orderExpectation, orderTransactionFields } from "../orders/platform-order.ts";
import { ORDER_TTL_MS, submitSignedOrderTransaction } from "../orders/submit.ts";
import { buildRedemptionTransaction } from "./transactions.ts";
import { RedemptionRejectedError, verifyRedemptionTransaction } from "./verify.ts";

export interface RedeemContext {
  db: Db;
  chain: ChainAdapter;
  token: PlatformToken;
  /** Credits one whole token buys. */
  creditsPerToken: bigint;
}

/** The wallet holds less than the redemption asks for; refused before any transaction is built or sent. */
export class InsufficientTokensError extends DomainError {
  override name = "InsufficientTokensError";
  constructor(
    readonly balance: bigint,
    readonly amount: bigint,
  ) {
    super(
      "insufficient_tokens",
      `The linked wallet holds ${balance} base units, less than the ${amount} asked to redeem.`,
    );
  }
}

/** The smallest redeemable amount in base units (one credit's worth); amounts must be a multiple of it. */
export function creditUnit(decimals: number, creditsPerToken: bigint): bigint {
  const scale = 10n ** BigInt(decimals);
  return scale / gcd(scale, creditsPerToken);
}

/** Credits for `amount` base units; only amounts that buy a whole number of credits are accepted. */
export function creditsFor(amount: bigint, decimals: number, creditsPerToken: bigint): bigint {
  if (amount <= 0n) throw new DomainError("invalid_amount", "Redeem a positive amount.");
  const unit = creditUnit(decimals, creditsPerToken);
  if (amount % unit !== 0n)
    throw new DomainError("invalid_amount", `Redeem a multiple of ${unit} base units (one credit).`);
  return (amount * creditsPerToken) / 10n ** BigInt(decimals);
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

/** Refuses a redemption the wallet's on-chain balance cannot cover (the chain would fail it with a raw error). */
async function requireBalance(ctx: RedeemContext, owner: PublicKey, amount: bigint): Promise<void> {
  const balance = await ownerTokenBalance(ctx.chain, ctx.token, owner);
  if (balance < amount) throw new InsufficientTokensError(balance, amount);
}

async function requireWallet(ctx: RedeemContext, userId: string): Promise<PublicKey> {
  const address = await getLinkedWallet(ctx.db, userId);
  if (!address) throw new DomainError("no_wallet", "Link a wallet before redeeming.");
  return new PublicKey(address);
}

/**
 * Issues a redemption order and the transaction the labeler's wallet signs: a memo with the order id and a burn
 * (or a transfer to the treasury) from the linked wallet. The treasury pays the fee, so a wallet holding only
 * tokens can redeem; the server adds its signature after checking the wallet signed exactly this message.
 */
export async function startRedemption(
  ctx: RedeemContext,
  params: { userId: string; amount: bigint; mode: "burn" | "transfer" },
) {
  const owner = await requireWallet(ctx, params.userId);
  const credits = creditsFor(params.amount, ctx.token.decimals, ctx.creditsPerToken);
  await requireBalance(ctx, owner, params.amount);
  const order = await createRedemptionOrder(ctx.db, {
    userId: params.userId,
    address: owner.toBase58(),
    amount: params.amount,
    credits,
    mode: params.mode,
    ttlMs: ORDER_TTL_MS,
  });
  const { blockhash } = await ctx.chain.getLatestBlockhash();
  const tx = orderTransaction(ctx, order, blockhash);
  return { order, transaction: Buffer.from(tx.serialize()).toString("base64") };
}

function orderTransaction(
  ctx: RedeemContext,
  order: { id: string; address: string; amount: bigint; mode: "burn" | "transfer" },
  blockhash: string,
) {
  return buildRedemptionTransaction({ ...orderTransactionFields(ctx.token, order, blockhash), mode: order.mode });
}

/**
 * Completes an order from the wallet-signed transaction (which the server co-signs as fee payer and sends) or
 * from the signature of a transaction the wallet sent itself. Credits only after verifying on chain, from the
 * decoded instructions, that the order's wallet burned (or returned) exactly the order's amount of the platform
 * mint with the order's memo, and only once per signature.
 */
export async function completeRedemption(
  ctx: RedeemContext,
  params: { userId: string; orderId: string; signedTransaction?: Uint8Array; signature?: string },
): Promise<{ signature: string; credits: bigint; balance: bigint }> {
  const order = await getRedemptionOrder(ctx.db, { userId: params.userId, orderId: params.orderId });
  if (order.status === "credited") throw new DomainError("order_done", "This redemption order was already completed.");
  let signature = params.signature;
  if (params.signedTransaction) {
    // Only sending is refused after expiry: a transaction that landed in time is credited whenever it is shown.
    if (order.expiresAt.getTime() < Date.now())
      throw new DomainError("order_expired", "This redemption order expired; start a new one.");
    // Tokens spent since the order was issued would fail the transaction on chain.
    await requireBalance(ctx, new PublicKey(order.address), order.amount);
    signature = await sendOrderTransaction(ctx, order, params.signedTransaction);
  }
  if (!signature) throw new DomainError("invalid_input", "Send the signed transaction or its signature.");
  const landed = await ctx.chain.getTransaction(signature);
  const verified = verifyRedemptionTransaction({ signature, tx: landed, expected: orderExpectation(ctx.token, order) });
  const balance = await creditRedemptionOrder(ctx.db, { order, signature: verified.signature });
  return { signature: verified.signature, credits: order.credits, balance };
}

function sendOrderTransaction(
  ctx: RedeemContext,
  order: { id: string; address: string; amount: bigint; mode: "burn" | "transfer" },
  wire: Uint8Array,
): Promise<string> {
  return submitSignedOrderTransaction(ctx.chain, {
    wire,
    treasury: ctx.token.treasury,
    issued: (blockhash) => orderTransaction(ctx, order, blockhash),
    Rejected: RedemptionRejectedError,
    nothingDone: "nothing was credited",
  });
}
