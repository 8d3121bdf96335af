import { sql } from "drizzle-orm";

/** Days a labeler has to appeal a rejection. */
export const APPEAL_WINDOW_DAYS = 7;

/** Over `l` and `p`: when the answer is approved if nobody reviews it (its time plus the project's approval delay). */
export const autoApprovalAtSql = sql`(l.created_at + make_interval(hours => p.approval_delay_hours))`;

/**
 * When an answer became approved, over `l` (a labels row) and `p` (its project): the review's time for an approved
 * one, the end of the project's approval delay for one nobody reviewed (approved from then on, whether or not the
 * auto-approval job has written it down yet), null for a rejected one.
 */
export const approvedAtSql = sql`(case l.review_status
  when 'approved' then l.reviewed_at
  when 'pending' then ${autoApprovalAtSql}
  end)`;

/** Over `l`: a rejection that can still be appealed, or whose appeal is not decided yet. */
export const rejectionOpenSql = sql`(l.review_status = 'rejected'
  and not exists (select 1 from answer_appeals ap where ap.label_id = l.id and ap.decided_at is not null)
  and (l.reviewed_at > now() - make_interval(days => ${APPEAL_WINDOW_DAYS})
       or exists (select 1 from answer_appeals ap where ap.label_id = l.id)))`;

/**
 * Over `l`: an answer some payout may still pay: not paid yet, and approved, waiting for review, or rejected with an
 * appeal still possible. Funds are held for these at the full rate, and a closed project is refunded only once
 * none is left.
 */
export const awaitingPaySql = sql`(l.paid_epoch_id is null and (l.review_status <> 'rejected' or ${rejectionOpenSql}))`;

/** Over `l` and `p`: the review status as it stands now: a pending answer past its project's approval delay is approved. */
export const effectiveReviewStatusSql = sql`(case when l.review_status = 'pending'
  and ${autoApprovalAtSql} <= now() then 'approved'
  else l.review_status::text end)`;

/** Over `l` and `p`: a person may still approve or reject it (pending, inside the approval delay, not paid). */
export const reviewableSql = sql`(l.review_status = 'pending' and l.paid_epoch_id is null
  and ${autoApprovalAtSql} > now())`;
