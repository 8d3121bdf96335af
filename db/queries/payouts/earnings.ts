import { sql } from "drizzle-orm";
import type { Db } from "../../client.ts";
import { queryRows } from "../../rows.ts";
import { effectiveReviewStatusSql, rejectionOpenSql } from "../review-state.ts";

/** What one labeler has earned on one project, as it stands: answers not yet planned, and the ledger's amounts. */
export interface ProjectEarningsRow {
  projectId: string;
  title: string;
  /** Answers no payout has counted yet that can earn: those awaiting review and those approved. */
  unplannedLabels: number;
  /** Not paid, pending inside the project's approval delay: a person may still approve or reject them. */
  awaitingReviewLabels: number;
  /** Approved (by a person, on appeal, or automatically past the delay) and not paid yet: in the next payout. */
  approvedLabels: number;
  /** Rejected: they earn nothing unless an appeal overturns the rejection. */
  rejectedLabels: number;
  /** Of the rejected, those whose appeal is still possible or not decided yet. */
  rejectedOpenLabels: number;
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
 * A labeler's earnings per project: the answers no payout has counted yet (each is counted by the first epoch
 * planned after its approval), split into those awaiting review and those approved, the rejected ones apart, and
 * from the ledger what was planned, what waits for a wallet and what was paid.
 */
export async function listProjectEarnings(db: Db, params: { labelerId: string }): Promise<ProjectEarningsRow[]> {
  const { labelerId } = params;
  const rows = await queryRows<{
    project_id: string;
    title: string;
    awaiting_review: number;
    approved: number;
    rejected: number;
    rejected_open: number;
    reward_per_label: string;
    quality: number | null;
    flags: string[] | string | null;
    planned: string;
    awaiting_wallet: string;
    paid: string;
  }>(
    db,
    sql`with unplanned as (
          select l.project_id,
            count(*) filter (where ${effectiveReviewStatusSql} = 'pending')::int as awaiting_review,
            count(*) filter (where ${effectiveReviewStatusSql} = 'approved')::int as approved,
            count(*) filter (where l.review_status = 'rejected')::int as rejected,
            count(*) filter (where ${rejectionOpenSql})::int as rejected_open
          from labels l join projects p on p.id = l.project_id
          where l.labeler_id = ${labelerId} and l.paid_epoch_id is null
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
        select p.id as project_id, p.title, coalesce(u.awaiting_review, 0) as awaiting_review,
          coalesce(u.approved, 0) as approved, coalesce(u.rejected, 0) as rejected,
          coalesce(u.rejected_open, 0) as rejected_open, p.reward_per_label::text,
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
    unplannedLabels: r.awaiting_review + r.approved,
    awaitingReviewLabels: r.awaiting_review,
    approvedLabels: r.approved,
    rejectedLabels: r.rejected,
    rejectedOpenLabels: r.rejected_open,
    rewardPerLabel: BigInt(r.reward_per_label),
    quality: r.quality,
    flags: typeof r.flags === "string" ? JSON.parse(r.flags) : (r.flags ?? []),
    planned: BigInt(r.planned),
    awaitingWallet: BigInt(r.awaiting_wallet),
    paid: BigInt(r.paid),
  }));
}
