import { randomUUID } from "node:crypto";
import type { PublicUser } from "../../db/queries/identity.ts";
import {
  bonusHeadroom,
  createBonuses,
  createTopBonuses,
  listBonusCandidates,
  listLabelerBonuses,
  listProjectBonuses,
  type BonusResult,
  type BonusRow,
} from "../../db/queries/bonuses.ts";
import { DomainError } from "../../db/errors.ts";
import { limits } from "./amount-limits.server.ts";
import { audit } from "./audit.server.ts";
import { db } from "./db.server.ts";
import type { ProjectAccess } from "./projects.server.ts";
import { labelerPseudonym } from "./pseudonyms.server.ts";
import { getPlatform, tokenDisplay } from "./services.server.ts";
import { formatAmount } from "./tokens.ts";

/** One bonus as pages and the API show it: amounts as decimal strings of base units. */
export interface BonusJson {
  id: number;
  kind: "bonus" | "qualification_test";
  amount: string;
  reason: string;
  createdAt: string;
  status: BonusRow["status"];
  /** The payout epoch that pays it; null while it waits for the next payout. */
  epoch: string | null;
  signature: string | null;
  explorer: string | null;
}

async function toJson(rows: BonusRow[]): Promise<(BonusJson & { row: BonusRow })[]> {
  const explorer = rows.some((r) => r.signature) ? (await getPlatform()).explorerUrl : () => null;
  return rows.map((r) => ({
    row: r,
    id: r.id,
    kind: r.kind,
    amount: r.amount.toString(),
    reason: r.reason,
    createdAt: r.createdAt.toISOString(),
    status: r.status,
    epoch: r.paidEpochId,
    signature: r.signature,
    explorer: r.signature ? explorer(r.signature) : null,
  }));
}

/** A project's bonuses for its requester's side: labelers by pseudonym only. */
export async function projectBonusesJson(projectId: string) {
  const rows = await toJson(await listProjectBonuses(db, { projectId }));
  return rows.map(({ row, ...b }) => ({ ...b, labeler: labelerPseudonym(projectId, row.labelerId) }));
}

/** A labeler's own bonuses, with the project each came from. */
export async function labelerBonusesJson(labelerId: string) {
  const rows = await toJson(await listLabelerBonuses(db, { labelerId }));
  return rows.map(({ row, ...b }) => ({ ...b, projectId: row.projectId, title: row.title }));
}

/** What the dashboard's Bonuses card needs: who can be paid, what can be spent, what was given. */
export async function loadBonusCard(access: ProjectAccess) {
  const { project } = access;
  const [token, candidates, headroom, bonuses] = await Promise.all([
    tokenDisplay(),
    listBonusCandidates(db, project.id),
    bonusHeadroom(db, project.id),
    projectBonusesJson(project.id),
  ]);
  return {
    token,
    max: limits.bonus.toString(),
    available: (headroom?.available ?? 0n).toString(),
    labelers: candidates.map((c) => ({
      labeler: labelerPseudonym(project.id, c.labelerId),
      answers: c.answers,
      quality: c.quality,
    })),
    bonuses,
    /** A fresh key per page load: a form sent twice (a double click, a retried post) pays once. */
    idempotencyKey: randomUUID(),
  };
}
export type BonusCardData = Awaited<ReturnType<typeof loadBonusCard>>;

/** The labeler of the project behind a pseudonym; none answered under it is a 400 naming the problem. */
async function labelerOf(projectId: string, pseudonym: string): Promise<string> {
  const candidates = await listBonusCandidates(db, projectId);
  const found = candidates.find((c) => labelerPseudonym(projectId, c.labelerId) === pseudonym);
  if (!found)
    throw new DomainError("not_a_labeler", "Only labelers who answered on this project can be paid a bonus on it.");
  return found.labelerId;
}

export interface BonusOrder {
  /** One labeler by the project's pseudonym, or the top N by quality. */
  labeler?: string;
  top?: number;
  amount: bigint;
  reason: string;
  idempotencyKey?: string;
}

/**
 * Pays the bonus (role action "bonus", checked by the caller) and writes it to the project's audit log; a replayed
 * idempotency key returns the first request's bonuses and logs nothing again.
 */
export async function payBonus(user: PublicUser, access: ProjectAccess, order: BonusOrder): Promise<BonusResult> {
  const { project } = access;
  const token = await tokenDisplay();
  const request = {
    projectId: project.id,
    reason: order.reason,
    createdBy: user.id,
    idempotencyKey: order.idempotencyKey ?? null,
    describe: (n: bigint) => formatAmount(n, token),
  };
  const result =
    order.top !== undefined
      ? await createTopBonuses(db, { ...request, top: order.top, amount: order.amount })
      : await createBonuses(db, {
          ...request,
          grants: [{ labelerId: await labelerOf(project.id, order.labeler ?? ""), amount: order.amount }],
        });
  if (!result.replayed)
    await audit(user, project, "bonus.paid", {
      labelers: result.bonuses.length,
      ...(order.top !== undefined ? { top: order.top } : {}),
      amount: order.amount.toString(),
      total: result.bonuses.reduce((n, b) => n + b.amount, 0n).toString(),
    });
  return result;
}

/** What bonuses add to a labeler's earnings totals, by where each stands (see EarningsTable). */
export function bonusTotals(rows: { amount: bigint | string; status: BonusRow["status"] }[]) {
  const totals = { waiting: 0n, planned: 0n, awaitingWallet: 0n, paid: 0n };
  for (const r of rows) {
    const amount = BigInt(r.amount);
    if (r.status === "waiting") totals.waiting += amount;
    else if (r.status === "paid") totals.paid += amount;
    else if (r.status === "awaiting_wallet") totals.awaitingWallet += amount;
    else totals.planned += amount;
  }
  return totals;
}
