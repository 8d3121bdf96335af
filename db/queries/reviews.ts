// The review of answers: a requester's (or reviewer's) approval or rejection with a reason, the labeler's one appeal of
// a rejection, and the requester's final decision on it. When an answer counts as approved, and whether a person may
// still review it, are review-state.ts's fragments; this file only reads and writes with them.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DomainError } from "../errors.ts";
import { queryRows } from "../rows.ts";
import type {
  AppealDecision,
  FormAnswers,
  ItemContent,
  RejectionReason,
  ReviewStatus,
  TextInputSignals,
} from "../schema/index.ts";
import { APPEAL_WINDOW_DAYS, autoApprovalAtSql, effectiveReviewStatusSql, reviewableSql } from "./review-state.ts";

export type ReviewDecision = "approve" | "reject";
export type ReviewQueueStatus = "reviewable" | "approved" | "rejected" | "all";
/** Why an answer could not be reviewed: not the project's, reviewed already, approved by its delay, or paid. */
export type ReviewRefusal = "not_found" | "already_reviewed" | "auto_approved" | "paid";

/** The most answers one review call decides. */
export const MAX_REVIEW_BATCH = 500;

/** One answer as a reviewer sees it: the item, the answer, how it was given, and where its review stands. */
export interface ReviewAnswerRow {
  labelId: number;
  itemId: number;
  externalId: string;
  content: ItemContent;
  labelerId: string;
  /** pairwise a | b | tie | both_bad (item terms), a rating as text, a category, or "form". */
  value: string;
  answers: FormAnswers | null;
  strength: number | null;
  rationale: string | null;
  /** Pairwise: response B was shown on the left. */
  swapped: boolean;
  /** Form items: the responses in the labeler's on-screen order (indices into the item's responses). */
  responseOrder: number[] | null;
  timeSpentMs: number;
  inputSignals: Record<string, TextInputSignals> | null;
  /** As stored: pending until a person decides (or forever, for an answer approved by its delay). */
  reviewStatus: ReviewStatus;
  /** As it stands now: a pending answer past the project's approval delay reads approved. */
  effectiveStatus: ReviewStatus;
  /** A person may still approve or reject it. */
  reviewable: boolean;
  reviewedAt: Date | null;
  rejectionReason: RejectionReason | null;
  reviewNote: string | null;
  paid: boolean;
  createdAt: Date;
  /** When it is approved automatically if nobody reviews it (created_at + the project's approval delay). */
  dueAt: Date;
  appeal: AppealFacts | null;
}

export interface AppealFacts {
  message: string;
  createdAt: Date;
  decision: AppealDecision | null;
  decisionNote: string | null;
  decidedAt: Date | null;
}

interface RawAnswerRow {
  id: string | number;
  item_id: string | number;
  external_id: string;
  content: ItemContent | string;
  labeler_id: string;
  value: string;
  answers: FormAnswers | string | null;
  strength: number | null;
  rationale: string | null;
  swapped: boolean;
  response_order: number[] | string | null;
  time_spent_ms: number;
  input_signals: Record<string, TextInputSignals> | string | null;
  review_status: ReviewStatus;
  effective_status: ReviewStatus;
  reviewable: boolean;
  reviewed_at: string | Date | null;
  rejection_reason: RejectionReason | null;
  review_note: string | null;
  paid: boolean;
  created_at: string | Date;
  due_at: string | Date;
  appeal_message: string | null;
  appealed_at: string | Date | null;
  appeal_decision: AppealDecision | null;
  decision_note: string | null;
  decided_at: string | Date | null;
}

const json = <T>(v: T | string | null): T | null => (typeof v === "string" ? (JSON.parse(v) as T) : v);
const date = (v: string | Date | null): Date | null => (v === null ? null : new Date(v));

type AppealColumns = Pick<
  RawAnswerRow,
  "appeal_message" | "appealed_at" | "appeal_decision" | "decision_note" | "decided_at"
>;

const toAppeal = (r: AppealColumns): AppealFacts | null =>
  r.appeal_message === null
    ? null
    : {
        message: r.appeal_message,
        createdAt: new Date(r.appealed_at!),
        decision: r.appeal_decision,
        decisionNote: r.decision_note,
        decidedAt: date(r.decided_at),
      };

// Over `l` (labels), `p` (its project), `i` (its item), `a` (its assignment) and `ap` (its appeal, left-joined).
const answerColumns = sql`l.id, l.item_id, i.external_id, i.content, l.labeler_id, l.value, l.answers, l.strength,
  l.rationale, l.swapped, a.response_order, l.time_spent_ms, l.input_signals, l.review_status,
  ${effectiveReviewStatusSql} as effective_status, ${reviewableSql} as reviewable, l.reviewed_at, l.rejection_reason,
  l.review_note, l.paid_epoch_id is not null as paid, l.created_at,
  ${autoApprovalAtSql} as due_at,
  ap.message as appeal_message, ap.created_at as appealed_at, ap.decision as appeal_decision, ap.decision_note,
  ap.decided_at`;
const answerJoins = sql`labels l join projects p on p.id = l.project_id join items i on i.id = l.item_id
  join assignments a on a.id = l.assignment_id left join answer_appeals ap on ap.label_id = l.id`;

function toAnswerRow(r: RawAnswerRow): ReviewAnswerRow {
  return {
    labelId: Number(r.id),
    itemId: Number(r.item_id),
    externalId: r.external_id,
    content: json(r.content)!,
    labelerId: r.labeler_id,
    value: r.value,
    answers: json(r.answers),
    strength: r.strength,
    rationale: r.rationale,
    swapped: r.swapped,
    responseOrder: json(r.response_order),
    timeSpentMs: r.time_spent_ms,
    inputSignals: json(r.input_signals),
    reviewStatus: r.review_status,
    effectiveStatus: r.effective_status,
    reviewable: r.reviewable,
    reviewedAt: date(r.reviewed_at),
    rejectionReason: r.rejection_reason,
    reviewNote: r.review_note,
    paid: r.paid,
    createdAt: new Date(r.created_at),
    dueAt: new Date(r.due_at),
    appeal: toAppeal(r),
  };
}

const STATUS_FILTER: Record<ReviewQueueStatus, SQL> = {
  reviewable: reviewableSql,
  approved: sql`${effectiveReviewStatusSql} = 'approved'`,
  rejected: sql`l.review_status = 'rejected'`,
  all: sql`true`,
};

/**
 * A page of the project's answers for review, oldest (soonest due) first, after the label id `cursor`: all of them or
 * one labeler's, by effective status. With `sample`, only each labeler's `sample` newest answers among those the
 * status selects (so "reviewable" with a sample is a fresh look at what each labeler does now). `next` is the cursor
 * of the next page, null on the last.
 */
export async function listReviewQueue(
  db: Db,
  params: {
    projectId: string;
    labelerId?: string;
    status: ReviewQueueStatus;
    sample?: number;
    limit: number;
    cursor?: number;
  },
): Promise<{ answers: ReviewAnswerRow[]; next: number | null }> {
  const { projectId, labelerId, status, sample, limit, cursor } = params;
  const rows = await queryRows<RawAnswerRow>(
    db,
    sql`with q as (
          select ${answerColumns}, row_number() over (partition by l.labeler_id order by l.id desc) as rn
          from ${answerJoins}
          where l.project_id = ${projectId} ${labelerId ? sql`and l.labeler_id = ${labelerId}` : sql``}
            and ${STATUS_FILTER[status]})
        select * from q
        where id > ${cursor ?? 0} ${sample ? sql`and rn <= ${sample}` : sql``}
        order by id limit ${limit + 1}`,
  );
  const answers = rows.slice(0, limit).map(toAnswerRow);
  return { answers, next: rows.length > limit ? answers[answers.length - 1].labelId : null };
}

export interface LabelerReviewCounts {
  labelerId: string;
  answers: number;
  /** Pending, unpaid and inside the approval delay: a person may still decide them. */
  reviewable: number;
  /** Approved by a person, on appeal, or by the approval delay. */
  approved: number;
  rejected: number;
  /** Appeals of their rejections not decided yet. */
  openAppeals: number;
  /** Their quality score on the project (null until consensus scored them). */
  quality: number | null;
}

/** Each labeler of the project with their answers by review status and their quality, most to review first. */
export async function listLabelersForReview(db: Db, params: { projectId: string }): Promise<LabelerReviewCounts[]> {
  const rows = await queryRows<{
    labeler_id: string;
    answers: number;
    reviewable: number;
    approved: number;
    rejected: number;
    open_appeals: number;
    quality: number | null;
  }>(
    db,
    sql`select l.labeler_id, count(*)::int as answers,
          count(*) filter (where ${reviewableSql})::int as reviewable,
          count(*) filter (where ${effectiveReviewStatusSql} = 'approved')::int as approved,
          count(*) filter (where l.review_status = 'rejected')::int as rejected,
          count(ap.label_id) filter (where ap.decided_at is null)::int as open_appeals,
          max(lq.quality) as quality
        from labels l join projects p on p.id = l.project_id
          left join answer_appeals ap on ap.label_id = l.id
          left join labeler_quality lq on lq.project_id = l.project_id and lq.labeler_id = l.labeler_id
        where l.project_id = ${params.projectId}
        group by l.labeler_id
        order by reviewable desc, answers desc, l.labeler_id`,
  );
  return rows.map((r) => ({
    labelerId: r.labeler_id,
    answers: Number(r.answers),
    reviewable: Number(r.reviewable),
    approved: Number(r.approved),
    rejected: Number(r.rejected),
    openAppeals: Number(r.open_appeals),
    quality: r.quality === null ? null : Number(r.quality),
  }));
}

const idList = (ids: readonly number[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );

/**
 * Approves or rejects answers of the project in one guarded UPDATE: only those a person may still review
 * (reviewableSql: pending, unpaid, inside the approval delay) change, so it cannot race payout planning or a second
 * reviewer. A rejection needs a reason, and the reason "other" a note. Returns the ids that changed and, for each
 * other id asked for, why it did not.
 */
export async function reviewAnswers(
  db: Db,
  params: {
    projectId: string;
    labelIds: readonly number[];
    decision: ReviewDecision;
    reason?: RejectionReason | null;
    note?: string | null;
    reviewerId: string;
  },
): Promise<{ changed: number[]; refused: { labelId: number; reason: ReviewRefusal }[] }> {
  const { projectId, decision, reviewerId } = params;
  const labelIds = [...new Set(params.labelIds)];
  if (labelIds.length === 0) throw new DomainError("invalid_input", "Name at least one answer to review.");
  if (labelIds.length > MAX_REVIEW_BATCH)
    throw new DomainError("invalid_input", `At most ${MAX_REVIEW_BATCH} answers in one review.`);
  const note = params.note?.trim() || null;
  const reason = decision === "reject" ? (params.reason ?? null) : null;
  if (decision === "reject" && !reason)
    throw new DomainError("reason_required", "Give a reason for rejecting: the labeler sees it and may appeal.");
  if (reason === "other" && !note)
    throw new DomainError("note_required", "Say in a note what was wrong (the reason is “other”).");
  const changedRows = await queryRows<{ id: string | number }>(
    db,
    sql`update labels l set review_status = ${decision === "approve" ? "approved" : "rejected"},
          reviewed_at = now(), reviewer_id = ${reviewerId}, rejection_reason = ${reason}, review_note = ${note}
        from projects p
        where p.id = l.project_id and l.project_id = ${projectId} and l.id in (${idList(labelIds)})
          and ${reviewableSql}
        returning l.id`,
  );
  const changed = changedRows.map((r) => Number(r.id)).sort((a, b) => a - b);
  const done = new Set(changed);
  const rest = labelIds.filter((id) => !done.has(id));
  if (rest.length === 0) return { changed, refused: [] };
  const states = await queryRows<{ id: string | number; paid: boolean; reviewed: boolean }>(
    db,
    sql`select l.id, l.paid_epoch_id is not null as paid, l.review_status <> 'pending' as reviewed
        from labels l where l.project_id = ${projectId} and l.id in (${idList(rest)})`,
  );
  const byId = new Map(states.map((s) => [Number(s.id), s]));
  const refused = rest.map((labelId) => {
    const s = byId.get(labelId);
    const why: ReviewRefusal = !s ? "not_found" : s.reviewed ? "already_reviewed" : s.paid ? "paid" : "auto_approved";
    return { labelId, reason: why };
  });
  return { changed, refused };
}

/**
 * The labeler's one appeal of their own rejected answer, within APPEAL_WINDOW_DAYS of the rejection: one guarded
 * INSERT (the appeal's key is the label), so a second appeal never lands. Refusals: `not_found` (no such answer of
 * theirs), `not_rejected`, `already_appealed`, `appeal_closed`.
 */
export async function appealAnswer(
  db: Db,
  params: { labelId: number; labelerId: string; message: string },
): Promise<AppealFacts & { labelId: number; projectId: string }> {
  const message = params.message.trim();
  if (!message) throw new DomainError("invalid_input", "Say why the answer should be approved.");
  const [row] = await queryRows<{ project_id: string; created_at: string | Date }>(
    db,
    sql`insert into answer_appeals (label_id, labeler_id, project_id, message)
        select l.id, l.labeler_id, l.project_id, ${message} from labels l
        where l.id = ${params.labelId} and l.labeler_id = ${params.labelerId} and l.review_status = 'rejected'
          and l.reviewed_at > now() - make_interval(days => ${APPEAL_WINDOW_DAYS})
        on conflict (label_id) do nothing
        returning project_id, created_at`,
  );
  if (row)
    return {
      labelId: params.labelId,
      projectId: row.project_id,
      message,
      createdAt: new Date(row.created_at),
      decision: null,
      decisionNote: null,
      decidedAt: null,
    };
  const [state] = await queryRows<{ status: ReviewStatus; appealed: boolean }>(
    db,
    sql`select l.review_status as status, exists (select 1 from answer_appeals ap where ap.label_id = l.id) as appealed
        from labels l where l.id = ${params.labelId} and l.labeler_id = ${params.labelerId}`,
  );
  if (!state) throw new DomainError("not_found", "No such answer of yours.");
  if (state.appealed) throw new DomainError("already_appealed", "You appealed this rejection already; each once.");
  if (state.status !== "rejected") throw new DomainError("not_rejected", "This answer is not rejected.");
  throw new DomainError(
    "appeal_closed",
    `Rejections can be appealed within ${APPEAL_WINDOW_DAYS} days; this one is older than that.`,
  );
}

export interface AppealRow extends ReviewAnswerRow {
  appeal: AppealFacts;
}

/** The project's appeals, oldest first; with `open`, only those not decided yet. */
export async function listAppeals(db: Db, params: { projectId: string; open?: boolean }): Promise<AppealRow[]> {
  const rows = await queryRows<RawAnswerRow>(
    db,
    sql`select ${answerColumns} from ${answerJoins}
        where l.project_id = ${params.projectId} and ap.label_id is not null
          ${params.open ? sql`and ap.decided_at is null` : sql``}
        order by ap.created_at, l.id limit 500`,
  );
  return rows.map(toAnswerRow) as AppealRow[];
}

/**
 * Decides an appeal, once and finally: `upheld` leaves the rejection; `overturned` approves the answer in the same
 * transaction (reviewed now by the decider, so the next payout pays it, once). Refusals: `not_found` (no appeal of
 * this project's answer), `already_decided`.
 */
export async function decideAppeal(
  db: Db,
  params: { projectId: string; labelId: number; decision: AppealDecision; note: string; deciderId: string },
): Promise<{ labelId: number; decision: AppealDecision; decidedAt: Date }> {
  const note = params.note.trim();
  if (!note) throw new DomainError("invalid_input", "Write a note: the labeler sees it with your decision.");
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ decided_at: string | Date }>(
      tx,
      sql`update answer_appeals set decision = ${params.decision}, decision_note = ${note},
            decided_by = ${params.deciderId}, decided_at = now()
          where label_id = ${params.labelId} and project_id = ${params.projectId} and decided_at is null
          returning decided_at`,
    );
    if (!row) {
      const [appeal] = await queryRows<{ decided: boolean }>(
        tx,
        sql`select decided_at is not null as decided from answer_appeals
            where label_id = ${params.labelId} and project_id = ${params.projectId}`,
      );
      if (!appeal) throw new DomainError("not_found", "No appeal of that answer on this project.");
      throw new DomainError("already_decided", "This appeal was decided already; the decision is final.");
    }
    if (params.decision === "overturned") {
      const approved = await queryRows<{ id: string | number }>(
        tx,
        sql`update labels set review_status = 'approved', reviewed_at = now(), reviewer_id = ${params.deciderId}
            where id = ${params.labelId} and project_id = ${params.projectId} and review_status = 'rejected'
              and paid_epoch_id is null
            returning id`,
      );
      if (approved.length !== 1) throw new DomainError("not_rejected", "This answer is not rejected any more.");
    }
    return { labelId: params.labelId, decision: params.decision, decidedAt: new Date(row.decided_at) };
  });
}

export interface LabelerReviewRow {
  labelId: number;
  projectId: string;
  projectTitle: string;
  content: ItemContent;
  /** rejected, or approved once an appeal overturned the rejection. */
  reviewStatus: ReviewStatus;
  rejectionReason: RejectionReason;
  reviewNote: string | null;
  /** When it was rejected (while it stands); an overturned one's review time is the decision's. */
  reviewedAt: Date;
  /** The last moment an appeal is taken (null once appealed). */
  appealUntil: Date | null;
  /** An appeal may be sent now. */
  mayAppeal: boolean;
  appeal: AppealFacts | null;
}

/** The labeler's rejected answers (and those approved on appeal), newest first, with their appeals: for My quality. */
export async function listLabelerReviews(db: Db, params: { labelerId: string }): Promise<LabelerReviewRow[]> {
  const rows = await queryRows<{
    id: string | number;
    project_id: string;
    title: string;
    content: ItemContent | string;
    review_status: ReviewStatus;
    rejection_reason: RejectionReason;
    review_note: string | null;
    reviewed_at: string | Date;
    appeal_until: string | Date | null;
    may_appeal: boolean;
    appeal_message: string | null;
    appealed_at: string | Date | null;
    appeal_decision: AppealDecision | null;
    decision_note: string | null;
    decided_at: string | Date | null;
  }>(
    db,
    sql`select l.id, l.project_id, p.title, i.content, l.review_status, l.rejection_reason, l.review_note,
          l.reviewed_at,
          case when ap.label_id is null and l.review_status = 'rejected'
            then l.reviewed_at + make_interval(days => ${APPEAL_WINDOW_DAYS}) end as appeal_until,
          (ap.label_id is null and l.review_status = 'rejected'
            and l.reviewed_at > now() - make_interval(days => ${APPEAL_WINDOW_DAYS})) as may_appeal,
          ap.message as appeal_message, ap.created_at as appealed_at, ap.decision as appeal_decision,
          ap.decision_note, ap.decided_at
        from labels l join projects p on p.id = l.project_id join items i on i.id = l.item_id
          left join answer_appeals ap on ap.label_id = l.id
        where l.labeler_id = ${params.labelerId} and l.rejection_reason is not null
          and (l.review_status = 'rejected' or ap.decision = 'overturned')
        order by coalesce(ap.created_at, l.reviewed_at) desc, l.id desc
        limit 200`,
  );
  return rows.map((r) => ({
    labelId: Number(r.id),
    projectId: r.project_id,
    projectTitle: r.title,
    content: json(r.content)!,
    reviewStatus: r.review_status,
    rejectionReason: r.rejection_reason,
    reviewNote: r.review_note,
    reviewedAt: new Date(r.reviewed_at),
    appealUntil: date(r.appeal_until),
    mayAppeal: r.may_appeal,
    appeal: toAppeal(r),
  }));
}
