// The review queue and appeals over HTTP (the review page, My quality and the JSON API share these): labelers by
// pseudonym only, answers in words, every requester decision in the audit log.
import { DomainError } from "../../db/errors.ts";
import type { PublicUser } from "../../db/queries/identity.ts";
import type { Project } from "../../db/queries/projects.ts";
import {
  appealAnswer,
  listAppeals,
  listLabelerReviews,
  listLabelersForReview,
  listReviewQueue,
  type AppealFacts,
  type ReviewAnswerRow,
} from "../../db/queries/reviews.ts";
import { decideProjectAppeal, reviewProjectAnswers } from "../../jobs/review-commands.ts";
import { itemExcerpt, reviewAnswerView } from "../../labeling/review-view.ts";
import { audit } from "./audit.server.ts";
import { db } from "./db.server.ts";
import { labelerPseudonym } from "./pseudonyms.server.ts";
import type { ReviewDecisionInput, ReviewQueueQuery } from "./review-schemas.ts";

const iso = (d: Date | null) => d?.toISOString() ?? null;

function appealJson(appeal: AppealFacts | null) {
  return appeal
    ? {
        message: appeal.message,
        createdAt: appeal.createdAt.toISOString(),
        decision: appeal.decision,
        decisionNote: appeal.decisionNote,
        decidedAt: iso(appeal.decidedAt),
      }
    : null;
}

/** One answer for the reviewer: the item and answer in words, its labeler's pseudonym, where its review stands. */
export function reviewAnswerJson(project: Pick<Project, "id" | "questions">, row: ReviewAnswerRow) {
  const view = reviewAnswerView(row, project.questions);
  return {
    labelId: row.labelId,
    labeler: labelerPseudonym(project.id, row.labelerId),
    item: { id: row.externalId, ...view.item },
    answers: view.answers,
    rationale: view.rationale,
    shownOrder: view.shownOrder,
    inputSignals: view.signals,
    timeSpentMs: row.timeSpentMs,
    answeredAt: row.createdAt.toISOString(),
    status: row.effectiveStatus,
    approvedAutomatically: row.reviewStatus === "pending" && row.effectiveStatus === "approved",
    reviewable: row.reviewable,
    dueAt: row.dueAt.toISOString(),
    reviewedAt: iso(row.reviewedAt),
    rejectionReason: row.rejectionReason,
    reviewNote: row.reviewNote,
    paid: row.paid,
    appeal: appealJson(row.appeal),
  };
}
export type ReviewAnswerJson = ReturnType<typeof reviewAnswerJson>;

/** Each labeler's answers by review status and quality, by pseudonym; `ids` maps a pseudonym back (server only). */
export async function loadReviewLabelers(project: Pick<Project, "id">) {
  const rows = await listLabelersForReview(db, { projectId: project.id });
  const ids = new Map<string, string>();
  const labelers = rows.map(({ labelerId, ...counts }) => {
    const labeler = labelerPseudonym(project.id, labelerId);
    ids.set(labeler, labelerId);
    return { labeler, ...counts };
  });
  return { labelers, ids };
}

/** A page of the queue with the labelers' counts; an unknown labeler pseudonym is `404 not_found`. */
export async function loadReviewQueue(project: Pick<Project, "id" | "questions">, query: ReviewQueueQuery) {
  const { labelers, ids } = await loadReviewLabelers(project);
  const labelerId = query.labeler ? ids.get(query.labeler) : undefined;
  if (query.labeler && !labelerId) throw new DomainError("not_found", "No labeler with that pseudonym answered here.");
  const { answers, next } = await listReviewQueue(db, {
    projectId: project.id,
    labelerId,
    status: query.status,
    sample: query.sample,
    limit: query.limit,
    cursor: query.cursor,
  });
  return { answers: answers.map((a) => reviewAnswerJson(project, a)), next, labelers };
}

/** The project's appeals (`open`: only those not decided), each with the answer it is about. */
export async function loadAppeals(project: Pick<Project, "id" | "questions">, open: boolean) {
  const rows = await listAppeals(db, { projectId: project.id, open });
  return rows.map((row) => ({ ...reviewAnswerJson(project, row), appeal: appealJson(row.appeal)! }));
}

/**
 * Approves or rejects answers as `user` (consensus queued when any changed) and writes the decision in the audit
 * log. Answers `{approved|rejected: ids, refused: [{labelId, reason}]}`.
 */
export async function reviewAsUser(user: PublicUser, project: Project, input: ReviewDecisionInput) {
  const { changed, refused } = await reviewProjectAnswers(db, {
    projectId: project.id,
    labelIds: input.labelIds,
    decision: input.decision,
    reason: input.reason,
    note: input.note,
    reviewerId: user.id,
  });
  if (changed.length)
    await audit(user, project, input.decision === "approve" ? "answers.approved" : "answers.rejected", {
      answers: changed.length,
      labelIds: changed.slice(0, 50),
      reason: input.decision === "reject" ? input.reason : undefined,
      refused: refused.length || undefined,
    });
  const key = input.decision === "approve" ? "approved" : "rejected";
  return { [key]: changed, refused } as { approved?: number[]; rejected?: number[]; refused: typeof refused };
}

/** Decides an appeal as `user`, once (an overturned rejection is approved and consensus queued); audited. */
export async function decideAppealAsUser(
  user: PublicUser,
  project: Project,
  input: { labelId: number; decision: "upheld" | "overturned"; note: string },
) {
  const decided = await decideProjectAppeal(db, {
    projectId: project.id,
    labelId: input.labelId,
    decision: input.decision,
    note: input.note,
    deciderId: user.id,
  });
  await audit(user, project, "appeal.decided", { labelId: input.labelId, decision: input.decision });
  return { labelId: decided.labelId, decision: decided.decision, decidedAt: decided.decidedAt.toISOString() };
}

/** The labeler's rejections (and those overturned) for My quality and GET /api/v1/appeals. */
export async function loadLabelerReviews(labelerId: string) {
  const rows = await listLabelerReviews(db, { labelerId });
  return rows.map((r) => ({
    labelId: r.labelId,
    projectId: r.projectId,
    projectTitle: r.projectTitle,
    item: itemExcerpt(r.content),
    status: r.reviewStatus,
    rejectionReason: r.rejectionReason,
    reviewNote: r.reviewNote,
    reviewedAt: r.reviewedAt.toISOString(),
    appealUntil: iso(r.appealUntil),
    mayAppeal: r.mayAppeal,
    appeal: appealJson(r.appeal),
  }));
}

/** The labeler's appeal of their rejected answer. */
export async function appealAsLabeler(labelerId: string, input: { labelId: number; message: string }) {
  const appeal = await appealAnswer(db, { labelerId, ...input });
  return { labelId: appeal.labelId, projectId: appeal.projectId, appeal: appealJson(appeal)! };
}
