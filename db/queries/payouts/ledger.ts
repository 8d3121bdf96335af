import { eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../client.ts";
import { queryRows } from "../../rows.ts";
import { committedFundsSql, remainingFundsSql } from "../funds.ts";
import { approvedAtSql, awaitingPaySql } from "../review-state.ts";
import { earnings, payoutEpochs, payouts, projectFunds } from "../../schema/index.ts";

export interface EpochWindow {
  id: string;
  startsAt: Date;
  endsAt: Date;
}

export interface EpochTally {
  labelerId: string;
  projectId: string;
  labels: number;
  rewardPerLabel: bigint;
  quality: number | null;
  flags: string[];
}

interface TallyRow {
  labeler_id: string;
  project_id: string;
  labels: number;
  reward_per_label: string;
  quality: number | null;
  flags: string[] | string | null;
}

const toTally = (r: TallyRow): EpochTally => ({
  labelerId: r.labeler_id,
  projectId: r.project_id,
  labels: r.labels,
  rewardPerLabel: BigInt(r.reward_per_label),
  quality: r.quality,
  flags: typeof r.flags === "string" ? JSON.parse(r.flags) : (r.flags ?? []),
});

/**
 * Over `l` and `p`: an answer the epoch pays: approved before the epoch ended and not paid by any epoch yet (an
 * answer approved late, on appeal or after a skipped day, is paid by the next epoch planned, once).
 */
const payableSql = (window: EpochWindow) =>
  sql`l.paid_epoch_id is null and ${approvedAtSql} < ${window.endsAt.toISOString()}::timestamptz`;

const excludingSql = (column: SQL, projectIds: readonly string[]) =>
  projectIds.length === 0
    ? sql`true`
    : sql`${column} not in (${sql.join(
        projectIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`;

/** The answers the epoch would pay, per labeler and project, with the labeler's quality on the project. */
export async function tallyEpochLabels(db: Db, window: EpochWindow): Promise<EpochTally[]> {
  const rows = await queryRows<TallyRow>(
    db,
    sql`select l.labeler_id, l.project_id, count(*)::int as labels, p.reward_per_label::text, q.quality, q.flags
        from labels l
        join projects p on p.id = l.project_id
        left join labeler_quality q on q.project_id = l.project_id and q.labeler_id = l.labeler_id
        where ${payableSql(window)}
        group by l.labeler_id, l.project_id, p.reward_per_label, q.quality, q.flags
        order by l.labeler_id, l.project_id`,
  );
  return rows.map(toTally);
}

export interface EpochBonus {
  labelerId: string;
  projectId: string;
  amount: bigint;
}

/** Bonuses written before the epoch ended and not paid yet: the epoch pays them with the answers. */
export async function listPayableBonuses(db: Db, window: EpochWindow): Promise<EpochBonus[]> {
  const rows = await queryRows<{ labeler_id: string; project_id: string; amount: string }>(
    db,
    sql`select labeler_id, project_id, amount::text from bonuses
        where paid_epoch_id is null and created_at < ${window.endsAt.toISOString()}::timestamptz order by id`,
  );
  return rows.map((r) => ({ labelerId: r.labeler_id, projectId: r.project_id, amount: BigInt(r.amount) }));
}

/** Projects with answers the epoch would pay (their consensus should be current before paying). */
export async function projectsLabeledIn(db: Db, window: EpochWindow): Promise<string[]> {
  const rows = await queryRows<{ project_id: string }>(
    db,
    sql`select distinct l.project_id from labels l join projects p on p.id = l.project_id where ${payableSql(window)}`,
  );
  return rows.map((r) => r.project_id);
}

export interface EarningRow {
  labelerId: string;
  projectId: string;
  labels: number;
  rewardPerLabel: bigint;
  weightPpm: number;
  earned: bigint;
  amount: bigint;
}

/**
 * What each project can still commit: what was paid in for it (capped by its budget) less what earnings have
 * committed, never below zero; `lock` holds the projects' rows until the transaction
 * ends, so two planners cannot commit the same remainder.
 */
export async function remainingBudgets(
  db: Db,
  projectIds: string[],
  options: { lock: boolean },
): Promise<Map<string, bigint>> {
  const ids = [...new Set(projectIds)].sort();
  if (ids.length === 0) return new Map();
  const idList = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  // Locking in a statement of its own: a statement that waits for a lock still reads the earnings as they were
  // when it started (read committed), so the sum must come after the wait, in the next statement.
  if (options.lock) await db.execute(sql`select id from projects where id in (${idList}) order by id for update`);
  const rows = await queryRows<{ id: string; remaining: string }>(
    db,
    sql`select p.id, greatest(${remainingFundsSql}, 0)::text as remaining from projects p where p.id in (${idList})`,
  );
  return new Map(rows.map((r) => [r.id, BigInt(r.remaining)]));
}

/** An epoch's ledger rows, and whether each still waits for its labeler to link a wallet. */
export async function listEpochLedger(db: Db, epochId: string) {
  return queryRows<{ labeler_id: string; amount: string; waiting: boolean }>(
    db,
    sql`select p.labeler_id, p.amount::text,
          (p.status = 'queued' and not exists (select 1 from wallet_links w where w.user_id = p.labeler_id and w.replaced_at is null)) as waiting
        from payouts p where p.epoch_id = ${epochId} order by p.labeler_id`,
  );
}

export async function isEpochPlanned(db: Db, epochId: string): Promise<boolean> {
  const [row] = await db.select({ id: payoutEpochs.id }).from(payoutEpochs).where(eq(payoutEpochs.id, epochId));
  return row !== undefined;
}

export class EpochTallyChangedError extends Error {
  override name = "EpochTallyChangedError";
}

/**
 * Plans an epoch once, atomically: marks the answers and bonuses it pays as paid by it (so each is paid by exactly
 * one epoch, whatever runs beside it), locks their projects, asks `plan` for the earnings given the answers marked
 * and each project's remaining budget, and writes the earnings and one payout ledger row per labeler (their
 * earnings plus their bonuses). Projects in `excludeProjects` are left for a later epoch. An epoch planned before is
 * left as it is (returns false).
 */
export async function planEpoch(
  db: Db,
  params: {
    window: EpochWindow;
    excludeProjects?: readonly string[];
    plan: (tallies: EpochTally[], remainingBudget: Map<string, bigint>) => EarningRow[];
  },
): Promise<boolean> {
  const { window } = params;
  const excluded = params.excludeProjects ?? [];
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(payoutEpochs)
      .values({ id: window.id, startsAt: window.startsAt, endsAt: window.endsAt })
      .onConflictDoNothing()
      .returning({ id: payoutEpochs.id });
    if (!created) return false;
    const tallies = (
      await queryRows<TallyRow>(
        tx,
        sql`with marked as (
              update labels l set paid_epoch_id = ${window.id}
              from projects p
              where p.id = l.project_id and ${payableSql(window)} and ${excludingSql(sql`l.project_id`, excluded)}
              returning l.labeler_id, l.project_id
            )
            select m.labeler_id, m.project_id, count(*)::int as labels, p.reward_per_label::text, q.quality, q.flags
            from marked m
            join projects p on p.id = m.project_id
            left join labeler_quality q on q.project_id = m.project_id and q.labeler_id = m.labeler_id
            group by m.labeler_id, m.project_id, p.reward_per_label, q.quality, q.flags
            order by m.labeler_id, m.project_id`,
      )
    ).map(toTally);
    const bonusRows = await queryRows<{ labeler_id: string; project_id: string; amount: string }>(
      tx,
      sql`update bonuses set paid_epoch_id = ${window.id}
          where paid_epoch_id is null and created_at < ${window.endsAt.toISOString()}::timestamptz
            and ${excludingSql(sql`project_id`, excluded)}
          returning labeler_id, project_id, amount::text`,
    );
    const remaining = await remainingBudgets(
      tx,
      tallies.map((t) => t.projectId),
      { lock: true },
    );
    const planned = params.plan(tallies, remaining).filter((e) => e.labels > 0);
    const plannedLabels = planned.reduce((n, e) => n + e.labels, 0);
    if (plannedLabels !== tallies.reduce((n, t) => n + t.labels, 0))
      throw new EpochTallyChangedError(`epoch ${window.id}: the plan does not cover exactly the answers marked`);
    for (let i = 0; i < planned.length; i += 500) {
      await tx.insert(earnings).values(planned.slice(i, i + 500).map((e) => ({ ...e, epochId: window.id })));
    }
    const totals = new Map<string, bigint>();
    for (const e of planned) totals.set(e.labelerId, (totals.get(e.labelerId) ?? 0n) + e.amount);
    for (const b of bonusRows) totals.set(b.labeler_id, (totals.get(b.labeler_id) ?? 0n) + BigInt(b.amount));
    const ledger = [...totals].filter(([, amount]) => amount > 0n);
    for (let i = 0; i < ledger.length; i += 500) {
      await tx
        .insert(payouts)
        .values(
          ledger
            .slice(i, i + 500)
            .map(([labelerId, amount]) => ({ epochId: window.id, labelerId, amount, status: "queued" as const })),
        );
    }
    return true;
  });
}

/** The epoch id under which a closed project's unspent funds are refunded to its requester. */
export const refundEpochId = (projectId: string) => `refund-${projectId}`;

export type RefundOutcome =
  { status: "planned"; amount: bigint } | { status: "not_closed" | "already_refunded" | "answers_pending" };

/**
 * Plans the refund of a closed project, once: when no lease is live and no answer or bonus waits for a payout, the
 * rest of its funds (funded − committed) becomes a ledger row paying the requester (epoch `refund-<id>`) and a
 * negative funding row, in one transaction with the project locked. Running it again plans nothing.
 */
export async function planRefund(db: Db, projectId: string): Promise<RefundOutcome> {
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{
      owner_id: string;
      closed_at: Date | string | null;
      refunded: boolean;
      pending: number;
      refundable: string;
    }>(
      tx,
      sql`select p.owner_id, p.closed_at,
            exists (select 1 from payout_epochs e where e.id = ${refundEpochId(projectId)}) as refunded,
            ((select count(*) from assignments a
               where a.project_id = p.id and a.status = 'leased' and a.expires_at > now())
             + (select count(*) from labels l where l.project_id = p.id and ${awaitingPaySql})
             + (select count(*) from bonuses b where b.project_id = p.id and b.paid_epoch_id is null))::int as pending,
            (coalesce((select sum(f.amount) from project_funds f where f.project_id = p.id), 0)
             - ${committedFundsSql})::text as refundable
          from projects p where p.id = ${projectId} for update`,
    );
    if (!row?.closed_at) return { status: "not_closed" };
    if (row.refunded) return { status: "already_refunded" };
    if (row.pending > 0) return { status: "answers_pending" };
    const amount = BigInt(row.refundable);
    const now = new Date();
    await tx.insert(payoutEpochs).values({ id: refundEpochId(projectId), kind: "refund", startsAt: now, endsAt: now });
    if (amount > 0n) {
      await tx
        .insert(payouts)
        .values({ epochId: refundEpochId(projectId), labelerId: row.owner_id, amount, status: "queued" });
      await tx.insert(projectFunds).values({
        projectId,
        kind: "refund",
        amount: -amount,
        reason: "unspent funds returned when the project closed",
      });
    }
    return { status: "planned", amount };
  });
}

/** Closed projects whose refund is not planned yet. */
export async function listProjectsAwaitingRefund(db: Db): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select p.id from projects p where p.closed_at is not null
          and not exists (select 1 from payout_epochs e where e.id = 'refund-' || p.id::text)`,
  );
  return rows.map((r) => r.id);
}
