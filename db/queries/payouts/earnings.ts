import { sql } from "drizzle-orm";
import type { Db } from "../../client.ts";
import { queryRows } from "../../rows.ts";

/** What one labeler has earned on one project, as it stands: answers not yet planned, and the ledger's amounts. */
export interface ProjectEarningsRow {
  projectId: string;
  title: string;
  /** Answers outside every planned daily epoch: paid once their day is planned. */
  unplannedLabels: number;
  rewardPerLabel: bigint;
  /** The labeler's current quality on the project; null until a consensus run has scored them. */
  quality: number | null;
  flags: string[];
  /** Planned and not paid yet: waiting for the next payout run, or being sent. */
  planned: bigint;
  /** Planned, and waiting for the labeler to link a wallet. */
  awaitingWallet: bigint;
  paid: bigint;
}

/**
 * A labeler's earnings per project: the answers no planned daily epoch covers (the payout plan counts exactly
 * those when their day is planned), and from the ledger what was planned, what waits for a wallet and what was paid.
 */
export async function listProjectEarnings(db: Db, params: { labelerId: string }): Promise<ProjectEarningsRow[]> {
  const { labelerId } = params;
  const rows = await queryRows<{
    project_id: string;
    title: string;
    unplanned: number;
    reward_per_label: string;
    quality: number | null;
    flags: string[] | string | null;
    planned: string;
    awaiting_wallet: string;
    paid: string;
  }>(
    db,
    sql`with unplanned as (
          select l.project_id, count(*)::int as labels from labels l
          where l.labeler_id = ${labelerId} and not exists (
            select 1 from payout_epochs e
            where e.kind = 'daily' and e.starts_at <= l.created_at and l.created_at < e.ends_at)
          group by l.project_id
        ),
        wallet as (
          select exists (select 1 from wallet_links w where w.user_id = ${labelerId} and w.replaced_at is null) as linked
        ),
        ledger as (
          select e.project_id,
            sum(e.amount) filter (where y.status = 'paid') as paid,
            sum(e.amount) filter (where y.status <> 'paid' and not (y.status in ('queued', 'awaiting_wallet') and not wallet.linked)) as planned,
            sum(e.amount) filter (where y.status in ('queued', 'awaiting_wallet') and not wallet.linked) as awaiting_wallet
          from earnings e
          join payouts y on y.epoch_id = e.epoch_id and y.labeler_id = e.labeler_id
          cross join wallet
          where e.labeler_id = ${labelerId}
          group by e.project_id
        )
        select p.id as project_id, p.title, coalesce(u.labels, 0) as unplanned, p.reward_per_label::text,
          q.quality, q.flags,
          coalesce(g.planned, 0)::text as planned,
          coalesce(g.awaiting_wallet, 0)::text as awaiting_wallet,
          coalesce(g.paid, 0)::text as paid
        from projects p
        left join unplanned u on u.project_id = p.id
        left join ledger g on g.project_id = p.id
        left join labeler_quality q on q.project_id = p.id and q.labeler_id = ${labelerId}
        where u.project_id is not null or g.project_id is not null
        order by p.title, p.id`,
  );
  return rows.map((r) => ({
    projectId: r.project_id,
    title: r.title,
    unplannedLabels: r.unplanned,
    rewardPerLabel: BigInt(r.reward_per_label),
    quality: r.quality,
    flags: typeof r.flags === "string" ? JSON.parse(r.flags) : (r.flags ?? []),
    planned: BigInt(r.planned),
    awaitingWallet: BigInt(r.awaiting_wallet),
    paid: BigInt(r.paid),
  }));
}
