import type { Db } from "../../../db/client.ts";
import { DomainError, NotFoundError } from "../../../db/errors.ts";
import {
  createDepositOrder as insertDepositOrder,
  DepositSignatureReusedError,
  fundDepositOrder,
  getDepositOrder,
  isSignatureUsed,
  type DepositOrder,
} from "../../../db/queries/funds.ts";
import { getUser } from "../../../db/queries/identity.ts";
import { getProject } from "../../../db/queries/projects.ts";
import { findMemberRole } from "../../../db/queries/teams.ts";
import { getLinkedWallet } from "../../../db/queries/wallets.ts";
import { amountLimits } from "../amount-limits.ts";
import type { PlatformToken } from "../chain/setup.ts";
import type { ChainAdapter } from "../chain/types.ts";
import { orderExpectation, orderTransactionFields } from "../orders/platform-order.ts";
import { ORDER_TTL_MS, submitSignedOrderTransaction } from "../orders/submit.ts";
import { buildDepositTransaction } from "./transactions.ts";
import { DepositRejectedError, verifyDepositTransaction } from "./verify.ts";

export interface DepositContext {
  db: Db;
  chain: ChainAdapter;
  token: PlatformToken;
}

/** Refuses an amount that is not a positive number of base units within the deposit limit. */
export function checkDepositAmount(amount: bigint, decimals: number): void {
  const max = amountLimits(decimals).deposit;
  if (amount <= 0n) throw new DomainError("invalid_amount", "Deposit a positive amount.");
  if (amount > max) throw new DomainError("invalid_amount", `Deposit at most ${max} base units at a time.`);
}

/** The project if the user owns it or is an admin; a 404 otherwise, as for every other project route. */
async function requireFundableProject(db: Db, projectId: string, userId: string) {
  const [project, user] = await Promise.all([getProject(db, projectId), getUser(db, userId)]);
  // The owner, an admin, or a co-owner of the owner's team funds (accounts/project-roles.ts, the "fund" row).
  const coOwner =
    project && user && project.ownerId !== userId
      ? (await findMemberRole(db, { ownerId: project.ownerId, projectId, userId })) === "co_owner"
      : false;
  if (!project || !user || (project.ownerId !== userId && user.role !== "admin" && !coOwner))
    throw new NotFoundError("project");
  if (project.closedAt) throw new DomainError("project_closed", "This project is closed; it takes no more deposits.");
  return project;
}

/**
 * Issues a deposit order for a project and the transaction the requester's linked wallet signs: a memo with the
 * order id and a transfer of `amount` base units to the treasury. The treasury pays the fee; the server adds its
 * signature after checking that the wallet signed exactly this message.
 */
export async function createDepositOrder(
  ctx: DepositContext,
  params: { projectId: string; userId: string; amount: bigint },
): Promise<{ order: DepositOrder; transaction: string }> {
  checkDepositAmount(params.amount, ctx.token.decimals);
  const project = await requireFundableProject(ctx.db, params.projectId, params.userId);
  const address = await getLinkedWallet(ctx.db, params.userId);
  if (!address) throw new DomainError("no_wallet", "Link a wallet (on the Wallet page) before funding a project.");
  const order = await insertDepositOrder(ctx.db, {
    projectId: project.id,
    userId: params.userId,
    address,
    amount: params.amount,
    ttlMs: ORDER_TTL_MS,
  });
  const { blockhash } = await ctx.chain.getLatestBlockhash();
  const tx = orderTransaction(ctx, order, blockhash);
  return { order, transaction: Buffer.from(tx.serialize()).toString("base64") };
}

function orderTransaction(ctx: DepositContext, order: DepositOrder, blockhash: string) {
  return buildDepositTransaction(orderTransactionFields(ctx.token, order, blockhash));
}

/**
 * Completes a deposit order from the wallet-signed transaction (which the server co-signs as fee payer and sends)
 * or from the signature of a transaction the wallet sent itself. Funds the project only after verifying on chain,
 * once finalized and from the decoded instructions, that the order's wallet transferred exactly the order's amount
 * of the platform mint to the treasury with the order's memo alone; and only once per signature (a signature that
 * funded another order or redeemed credits is refused).
 */
export async function completeDeposit(
  ctx: DepositContext,
  params: { userId: string; orderId: string; signedTransaction?: Uint8Array; signature?: string },
): Promise<{ order: DepositOrder; signature: string; funded: bigint; remaining: bigint }> {
  const order = await getDepositOrder(ctx.db, { userId: params.userId, orderId: params.orderId });
  if (order.status === "funded") throw new DomainError("order_done", "This deposit order was already completed.");
  let signature = params.signature;
  if (params.signedTransaction) {
    // Only sending is refused after expiry: a transaction that landed in time is funded whenever it is shown.
    if (order.expiresAt.getTime() < Date.now())
      throw new DomainError("order_expired", "This deposit order expired; start a new one.");
    signature = await submitSignedOrderTransaction(ctx.chain, {
      wire: params.signedTransaction,
      treasury: ctx.token.treasury,
      issued: (blockhash) => orderTransaction(ctx, order, blockhash),
      Rejected: DepositRejectedError,
      nothingDone: "nothing was funded",
    });
  }
  if (!signature) throw new DomainError("invalid_input", "Send the signed transaction or its signature.");
  if (await isSignatureUsed(ctx.db, signature)) throw new DepositSignatureReusedError();
  const landed = await ctx.chain.getTransaction(signature);
  const verified = verifyDepositTransaction({ signature, tx: landed, expected: orderExpectation(ctx.token, order) });
  const funds = await fundDepositOrder(ctx.db, { order, signature: verified.signature });
  return { order, signature: verified.signature, funded: funds.funded, remaining: funds.remaining };
}
