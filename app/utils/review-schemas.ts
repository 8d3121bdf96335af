// Review, rejection with reasons, and appeals (issue 15): one set of schemas for the review page's and My quality's
// forms (Conform, in the browser), their actions, the JSON API and its OpenAPI document.
import { z } from "zod";
import type { AppealDecision, RejectionReason } from "../../db/schema/index.ts";

/** The reasons a reviewer picks from (db/schema/labeling.ts's rejection_reason), in the order the form lists them. */
export const REJECTION_REASONS = [
  "incorrect",
  "ignored_instructions",
  "low_effort",
  "machine_written",
  "other",
] as const satisfies readonly RejectionReason[];
/** Each reason as labelers and reviewers read it. */
export const REJECTION_REASON_WORDS: Record<RejectionReason, string> = {
  incorrect: "Incorrect answer",
  ignored_instructions: "Did not follow the instructions",
  low_effort: "Low effort (too fast or careless)",
  machine_written: "Machine-written (pasted or generated)",
  other: "Other (see the note)",
};

export const APPEAL_DECISIONS = ["upheld", "overturned"] as const satisfies readonly AppealDecision[];
export const APPEAL_DECISION_WORDS: Record<AppealDecision, string> = {
  upheld: "Rejection upheld",
  overturned: "Rejection overturned: approved",
};

export const REVIEW_STATUSES = ["reviewable", "approved", "rejected", "all"] as const;
export const MAX_REVIEW_IDS = 500;
export const NOTE_MAX = 2000;
/** Answers per labeler a sample shows by default. */
export const DEFAULT_SAMPLE = 5;

const labelId = z
  .number({ required_error: "Name the answer", invalid_type_error: "An answer's id is a number" })
  .int("An answer's id is a whole number")
  .positive("An answer's id is a whole number");
const note = z.string().trim().max(NOTE_MAX, `At most ${NOTE_MAX} characters`).optional();

const reviewFields = {
  labelIds: z
    .array(labelId, { required_error: "Name the answers to review" })
    .min(1, "Name at least one answer")
    .max(MAX_REVIEW_IDS, `At most ${MAX_REVIEW_IDS} answers at a time`),
  decision: z.enum(["approve", "reject"], { message: 'decision is "approve" or "reject"' }),
  reason: z.enum(REJECTION_REASONS, { message: `reason is one of ${REJECTION_REASONS.join(", ")}` }).optional(),
  note,
};

/** A rejection needs a reason; the reason "other" needs a note saying what was wrong. */
function rejectionProblems(
  value: { decision: "approve" | "reject"; reason?: RejectionReason; note?: string },
  ctx: z.RefinementCtx,
) {
  if (value.decision !== "reject") return;
  if (!value.reason)
    ctx.addIssue({ code: "custom", path: ["reason"], message: "Choose a reason: the labeler sees it and may appeal" });
  else if (value.reason === "other" && !value.note)
    ctx.addIssue({ code: "custom", path: ["note"], message: "Say what was wrong (the reason is “other”)" });
}

/** POST /api/v1/projects/{id}/reviews: approve or reject answers by id, with a reason and note for a rejection. */
export const ReviewDecisionSchema = z.object(reviewFields).superRefine(rejectionProblems);
export type ReviewDecisionInput = z.output<typeof ReviewDecisionSchema>;

const appealDecisionFields = {
  decision: z.enum(APPEAL_DECISIONS, { message: 'decision is "upheld" or "overturned"' }),
  note: z
    .string({ required_error: "Write a note: the labeler reads it with your decision" })
    .trim()
    .min(1, "Write a note: the labeler reads it with your decision")
    .max(NOTE_MAX, `At most ${NOTE_MAX} characters`),
};

/** POST /api/v1/projects/{id}/appeals/{labelId}: the final decision on an appeal. */
export const AppealDecisionSchema = z.object(appealDecisionFields);

/** The review page's forms: a review of one or more answers, or a decision on an appeal. */
export const ReviewPageActionSchema = z
  .discriminatedUnion("intent", [
    z.object({ intent: z.literal("review"), ...reviewFields }),
    z.object({ intent: z.literal("decide"), labelId, ...appealDecisionFields }),
  ])
  .superRefine((value, ctx) => {
    if (value.intent === "review") rejectionProblems(value, ctx);
  });

/** A labeler's appeal of a rejection (My quality's form and POST /api/v1/appeals). */
export const AppealSchema = z.object({
  labelId,
  message: z
    .string({ required_error: "Say why the answer should be approved" })
    .trim()
    .min(1, "Say why the answer should be approved")
    .max(NOTE_MAX, `At most ${NOTE_MAX} characters`),
});

const count = (what: string, max: number) =>
  z.coerce
    .number({ invalid_type_error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be from 1 to ${max}`)
    .max(max, `${what} must be from 1 to ${max}`);

/**
 * The review queue's query (the page's filters and GET /api/v1/projects/{id}/reviews): effective status, one labeler
 * by pseudonym, a sample of each labeler's newest answers, and keyset paging (`cursor`: the last label id seen).
 */
export const ReviewQueueQuerySchema = z.object({
  status: z.enum(REVIEW_STATUSES, { message: `status is one of ${REVIEW_STATUSES.join(", ")}` }).default("reviewable"),
  labeler: z
    .string()
    .regex(/^[0-9a-f]{12}$/, "labeler is a labeler's pseudonym on the project (12 hex digits)")
    .optional(),
  sample: count("sample", 100).optional(),
  limit: count("limit", 100).default(50),
  cursor: z.coerce.number().int().min(0, "cursor is a label id from `next`").optional(),
});
export type ReviewQueueQuery = z.output<typeof ReviewQueueQuerySchema>;
