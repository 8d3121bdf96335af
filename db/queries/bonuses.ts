import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DomainError, hasSqlState, NotFoundError } from "../errors.ts";
import { queryRows } from "../rows.ts";
import { bonuses, type BonusKind } from "../schema/index.ts";
import { remainingFundsSql } from "./funds.ts";
import { liveLeasesSql, unplannedLabelsSql } from "./labeling.ts";

export type Bonus = typeof bonuses.$inferSelect;

/** The largest amount a bigint column (PostgreSQL int8) holds. */
const INT8_MAX = 2n ** 63n - 1n;

export interface BonusGrant {
  labelerId: string;
  amount: bigint;
}

/** How an amount reads in a refusal (the app passes tokens with the symbol; base units otherwise). */
export type DescribeAmount = (amount: bigint) => string;
const inBaseUnits: DescribeAmount = (amount) => `${amount} base units`;

/** Bonuses asked for beyond what the project can still commit once the answers it owes are held back. */
export class InsufficientFundsError extends DomainError {
  override name = "InsufficientFundsError";
  constructor(
    readonly requested: bigint,
    readonly available: bigint,
    describe: DescribeAmount = inBaseUnits,
  ) {
    super(
      "insufficient_funds",
      `These bonuses come to ${describe(requested)}, but the project can pay only ${describe(available)} more: ` +
        "the rest of its funds is held for answers given and tasks on lease. Fund the project or give less.",
    );
  }
}

/** What a project could still pay as bonuses, from the remainder of its funds less the full-rate reservation. */
export interface BonusHeadroom {
  /** least(budget, funded) − committed (earnings planned and every bonus given). */
  remaining: bigint;
  /** Held at the full reward for answers some payout may still pay and for live leases (as leasing holds it). */
  reserved: bigint;
  /** remaining − reserved, never below 0. */
  available: bigint;
}

/** The project's bonus headroom as it stands (under a lock of the project row when the caller holds one). */
export async function bonusHeadroom(db: Db, projectId: string): Promise<BonusHeadroom | null> {
  const [row] = await queryRows<{ reward_per_label: string; funds_left: string; unplanned: number; live: number }>(
    db,
    sql`select p.reward_per_label::text, ${remainingFundsSql}::text as funds_left,
          ${unplannedLabelsSql} as unplanned, ${liveLeasesSql} as live
        from projects p where p.id = ${projectId}`,
  );
  if (!row) return null;
  const remaining = BigInt(row.funds_left);
  const reserved = BigInt(row.unplanned + row.live) * BigInt(row.reward_per_label);
  const available = remaining - reserved;
  return { remaining, reserved, available: available > 0n ? available : 0n };
}

/**
 * Locks the project's row until the transaction ends (a statement of its own: the sums read after it see every
 * commitment made before the lock was granted), so two writers can never commit the same remainder.
 */
async function lockProject(tx: Db, projectId: string) {
  const rows = await queryRows<{ id: string }>(tx, sql`select id from projects where id = ${projectId} for update`);
  if (rows.length === 0) throw new NotFoundError("project");
}

interface BonusRequest {
  projectId: string;
  reason: string;
  createdBy: string | null;
  /** The client's key: a request sent again with it returns the bonuses written the first time and pays nothing. */
  idempotencyKey?: string | null;
  describe?: DescribeAmount;
}

/** The bonuses one request (project, idempotency key) wrote, in the order written. */
function requestBonuses(db: Db, projectId: string, idempotencyKey: string) {
  return db
    .select()
    .from(bonuses)
    .where(and(eq(bonuses.projectId, projectId), eq(bonuses.idempotencyKey, idempotencyKey)))
    .orderBy(asc(bonuses.id));
}

function checkAmount(amount: bigint) {
  if (amount <= 0n) throw new DomainError("invalid_amount", "A bonus must be more than 0.");
  if (amount > INT8_MAX) throw new DomainError("invalid_amount", "A bonus cannot be that large.");
}

/**
 * The one way bonuses are written: in one transaction the project is locked, a replay of the idempotency key returns
 * the rows it wrote, `resolve` names the grants, every grantee must have answered on the project, and the total must
 * fit what the project can pay beyond the full-rate reservation (refused as a whole otherwise).
 */
export interface BonusResult {
  bonuses: Bonus[];
  /** The idempotency key was used before: these are that request's rows, and nothing new was written. */
  replayed: boolean;
}

async function writeBonuses(
  db: Db,
  request: BonusRequest,
  resolve: (tx: Db) => Promise<BonusGrant[]>,
): Promise<BonusResult> {
  const { projectId, idempotencyKey } = request;
  const reason = request.reason.trim();
  if (!reason) throw new DomainError("invalid_reason", "Give the reason for the bonus: the labeler is shown it.");
  try {
    return await db.transaction(async (tx) => {
      await lockProject(tx, projectId);
      if (idempotencyKey) {
        const earlier = await requestBonuses(tx, projectId, idempotencyKey);
        if (earlier.length) return { bonuses: earlier, replayed: true };
      }
      const grants = await resolve(tx);
      if (grants.length === 0) throw new DomainError("no_labelers", "Name at least one labeler to pay a bonus.");
      const ids = grants.map((g) => g.labelerId);
      if (new Set(ids).size !== ids.length)
        throw new DomainError("duplicate_labeler", "Each labeler may appear once in one bonus request.");
      let total = 0n;
      for (const g of grants) {
        checkAmount(g.amount);
        total += g.amount;
      }
      if (total > INT8_MAX) throw new DomainError("invalid_amount", "These bonuses come to too large an amount.");
      const answered = new Set(await projectLabelerIds(tx, projectId, ids));
      if (ids.some((id) => !answered.has(id)))
        throw new DomainError("not_a_labeler", "Only labelers who answered on this project can be paid a bonus on it.");
      const headroom = (await bonusHeadroom(tx, projectId))!;
      if (total > headroom.available) throw new InsufficientFundsError(total, headroom.available, request.describe);
      const written = await tx
        .insert(bonuses)
        .values(
          grants.map((g) => ({
            projectId,
            labelerId: g.labelerId,
            kind: "bonus" as const,
            amount: g.amount,
            reason,
            idempotencyKey: idempotencyKey ?? null,
            createdBy: request.createdBy,
          })),
        )
        .returning();
      return { bonuses: written, replayed: false };
    });
  } catch (error) {
    // Two requests with one key cannot both pass the lock; should one ever, the first one's rows are the answer.
    if (idempotencyKey && hasSqlState(error, "23505"))
      return { bonuses: await requestBonuses(db, projectId, idempotencyKey), replayed: true };
    throw error;
  }
}

/** Pays named labelers of the project a bonus each, from its funds (see writeBonuses for the rules). */
export async function createBonuses(db: Db, params: BonusRequest & { grants: BonusGrant[] }): Promise<BonusResult> {
  return writeBonuses(db, params, async () => params.grants);
}

/** Pays the project's `top` labelers by quality (topLabelersByQuality) the same `amount` each. */
export async function createTopBonuses(
  db: Db,
  params: BonusRequest & { top: number; amount: bigint },
): Promise<BonusResult> {
  return writeBonuses(db, params, async (tx) => {
    const top = await topLabelersByQuality(tx, { projectId: params.projectId, n: params.top });
    if (top.length === 0)
      throw new DomainError("no_labelers", "No labeler has a quality score on this project yet: pay one by name.");
    return top.map((t) => ({ labelerId: t.labelerId, amount: params.amount }));
  });
}

/** Of `labelerIds` (all when omitted), those who answered on the project. */
export async function projectLabelerIds(db: Db, projectId: string, labelerIds?: string[]): Promise<string[]> {
  if (labelerIds && labelerIds.length === 0) return [];
  const only = labelerIds
    ? sql`and l.labeler_id in (${sql.join(
        labelerIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  const rows = await queryRows<{ labeler_id: string }>(
    db,
    sql`select distinct l.labeler_id from labels l where l.project_id = ${projectId} ${only} order by l.labeler_id`,
  );
  return rows.map((r) => r.labeler_id);
}

/** The project's labelers (who answered on it), with their answers and quality score, for picking one to pay. */
export async function listBonusCandidates(
  db: Db,
  projectId: string,
): Promise<{ labelerId: string; answers: number; quality: number | null }[]> {
  const rows = await queryRows<{ labeler_id: string; answers: number; quality: number | null }>(
    db,
    sql`select l.labeler_id, count(*)::int as answers, q.quality from labels l
        left join labeler_quality q on q.project_id = l.project_id and q.labeler_id = l.labeler_id
        where l.project_id = ${projectId}
        group by l.labeler_id, q.quality
        order by q.quality desc nulls last, min(l.id)`,
  );
  return rows.map((r) => ({ labelerId: r.labeler_id, answers: r.answers, quality: r.quality }));
}

/**
 * The project's `n` labelers with the highest quality score who answered on it, best first; equal scores in the
 * order of their first answer, then of their id, so the same scores always pick the same labelers.
 */
export async function topLabelersByQuality(
  db: Db,
  params: { projectId: string; n: number },
): Promise<{ labelerId: string; quality: number }[]> {
  const n = Math.max(0, Math.floor(params.n));
  if (n === 0) return [];
  const rows = await queryRows<{ labeler_id: string; quality: number }>(
    db,
    sql`select q.labeler_id, q.quality from labeler_quality q
        join lateral (select min(l.id) as first_label from labels l
          where l.project_id = q.project_id and l.labeler_id = q.labeler_id) f on f.first_label is not null
        where q.project_id = ${params.projectId}
        order by q.quality desc, f.first_label, q.labeler_id
        limit ${n}`,
  );
  return rows.map((r) => ({ labelerId: r.labeler_id, quality: Number(r.quality) }));
}

export type AttemptPayment = { paid: true; bonus: Bonus } | { paid: false; available: bigint };

/**
 * Pays a finished attempt at a paid qualification test from the funds of the project it was taken for, in the
 * caller's transaction (the one that finishes the attempt): once per attempt (bonuses_attempt_key), and only when
 * the project can cover it beyond the full-rate reservation; otherwise nothing is written.
 */
export async function payQualificationAttempt(
  tx: Db,
  params: { attemptId: number; projectId: string; labelerId: string; amount: bigint; reason: string },
): Promise<AttemptPayment> {
  checkAmount(params.amount);
  await lockProject(tx, params.projectId);
  const headroom = (await bonusHeadroom(tx, params.projectId))!;
  if (params.amount > headroom.available) return { paid: false, available: headroom.available };
  const [bonus] = await tx
    .insert(bonuses)
    .values({
      projectId: params.projectId,
      labelerId: params.labelerId,
      kind: "qualification_test",
      amount: params.amount,
      reason: params.reason,
      attemptId: params.attemptId,
    })
    .onConflictDoNothing()
    .returning();
  if (bonus) return { paid: true, bonus };
  // Paid before (a finish cannot run twice, but the unique key is the guarantee).
  return { paid: true, bonus: (await getAttemptBonus(tx, params.attemptId))! };
}

/** The bonus that paid an attempt, if any. */
export async function getAttemptBonus(db: Db, attemptId: number): Promise<Bonus | null> {
  const [bonus] = await db.select().from(bonuses).where(eq(bonuses.attemptId, attemptId));
  return bonus ?? null;
}

/** Where a bonus stands: waiting for the next payout to plan it, or in an epoch's payout row (and its transaction). */
export type BonusPayoutStatus = "waiting" | "awaiting_wallet" | "queued" | "batched" | "paid";

export interface BonusRow {
  id: number;
  projectId: string;
  title: string;
  labelerId: string;
  kind: BonusKind;
  amount: bigint;
  reason: string;
  createdAt: Date;
  /** The epoch whose payout pays it; null until a payout plans it. */
  paidEpochId: string | null;
  status: BonusPayoutStatus;
  /** The transaction that paid it, once paid. */
  signature: string | null;
}

interface BonusSqlRow {
  id: number | string;
  project_id: string;
  title: string;
  labeler_id: string;
  kind: BonusKind;
  amount: string;
  reason: string;
  created_at: Date | string;
  paid_epoch_id: string | null;
  payout_status: Exclude<BonusPayoutStatus, "waiting"> | null;
  signature: string | null;
}

/**
 * Bonuses with their payout, read as the Wallet reads payouts: the ledger row of (epoch, labeler) and the batch
 * that sent it. A row waiting for a wallet reads "awaiting_wallet" as the Wallet's own rows do.
 */
async function listBonuses(db: Db, where: SQL): Promise<BonusRow[]> {
  const rows = await queryRows<BonusSqlRow>(
    db,
    sql`select b.id, b.project_id, p.title, b.labeler_id, b.kind, b.amount::text, b.reason, b.created_at,
          b.paid_epoch_id,
          case when y.status = 'queued' and not exists (select 1 from wallet_links w
            where w.user_id = b.labeler_id and w.replaced_at is null) then 'awaiting_wallet' else y.status::text end
            as payout_status,
          case when y.status = 'paid' then pb.signature end as signature
        from bonuses b
        join projects p on p.id = b.project_id
        left join payouts y on y.epoch_id = b.paid_epoch_id and y.labeler_id = b.labeler_id
        left join payout_batches pb on pb.id = y.batch_id
        where ${where}
        order by b.created_at desc, b.id desc`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    projectId: r.project_id,
    title: r.title,
    labelerId: r.labeler_id,
    kind: r.kind,
    amount: BigInt(r.amount),
    reason: r.reason,
    createdAt: new Date(r.created_at),
    paidEpochId: r.paid_epoch_id,
    status: r.paid_epoch_id === null ? "waiting" : (r.payout_status ?? "queued"),
    signature: r.signature,
  }));
}

/** Every bonus a project gave, newest first, with its payout status. */
export function listProjectBonuses(db: Db, params: { projectId: string }): Promise<BonusRow[]> {
  return listBonuses(db, sql`b.project_id = ${params.projectId}`);
}

/** Every bonus a labeler was given, newest first, with the project and its payout status. */
export function listLabelerBonuses(db: Db, params: { labelerId: string }): Promise<BonusRow[]> {
  return listBonuses(db, sql`b.labeler_id = ${params.labelerId}`);
}
