import { getFundsSummary, type DepositOrder, type FundsSummary } from "../../db/queries/funds.ts";
import type { PublicUser } from "../../db/queries/identity.ts";
import { getLinkedWallet } from "../../db/queries/wallets.ts";
import type { DepositContext } from "../../reward/tokens/deposits/service.ts";
import { db } from "./db.server.ts";
import { getPlatform } from "./services.server.ts";

/** The deposit service's context: this process's database, chain and token. */
export async function depositContext(): Promise<DepositContext> {
  const { chain, token } = await getPlatform();
  return { db, chain, token };
}

/** A project's funds as decimal strings of base units (the JSON API's and the dashboard's view). */
export function fundsJson(funds: FundsSummary) {
  return {
    funded: funds.funded.toString(),
    committed: funds.committed.toString(),
    paid: funds.paid.toString(),
    remaining: funds.remaining.toString(),
  };
}

export function depositOrderJson(order: DepositOrder) {
  return {
    id: order.id,
    projectId: order.projectId,
    address: order.address,
    amount: order.amount.toString(),
    status: order.status,
    expiresAt: order.expiresAt.toISOString(),
  };
}

/** What the dashboard's funds card shows: the funds, the token's decimals, and the wallet a deposit is signed with. */
export async function loadProjectFunds(user: PublicUser, projectId: string) {
  const [funds, linked, { token }] = await Promise.all([
    getFundsSummary(db, projectId),
    getLinkedWallet(db, user.id),
    getPlatform(),
  ]);
  return { ...fundsJson(funds), decimals: token.decimals, linked };
}
