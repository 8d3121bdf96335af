// The review and appeal endpoints (issue 15), spread into ENDPOINTS and PATH_PARAMS by endpoints.server.ts.
import type { ZodTypeAny } from "zod";
import {
  APPEAL_DECISIONS,
  AppealDecisionSchema,
  AppealSchema,
  REJECTION_REASONS,
  REVIEW_STATUSES,
  ReviewDecisionSchema,
  ReviewQueueQuerySchema,
} from "../utils/review-schemas.ts";
import { z } from "./zod.server.ts";

const dateTime = z.string().datetime();
const labelId = z.number().int().openapi({ description: "The answer's id (`labelId` in the queue)." });
const TAG = "Review and appeals";

export const REVIEW_PATH_PARAMS = {
  "{labelId}": z.object({
    labelId: z.string().regex(/^\d+$/).openapi({ description: "The appealed answer's id (`labelId`)." }),
  }),
};

const NOT_OWNED =
  "`not_found`: no such project among yours or your team's; a team member whose role may not review gets " +
  "`403 forbidden_role`.";

const Appeal = z
  .object({
    message: z.string(),
    createdAt: dateTime,
    decision: z.enum(APPEAL_DECISIONS).nullable().openapi({ description: "null until decided; final once set." }),
    decisionNote: z.string().nullable(),
    decidedAt: dateTime.nullable(),
  })
  .openapi("Appeal");

const ReviewAnswer = z
  .object({
    labelId,
    labeler: z.string().openapi({ description: "The labeler's pseudonym on this project (as on the dashboard)." }),
    item: z
      .object({
        id: z.string().openapi({ description: "The item's id in the dataset." }),
        prompt: z.string().optional(),
        messages: z.array(z.object({ role: z.string(), content: z.string() })).optional(),
        text: z.string().optional().openapi({ description: "A label project's text." }),
        responses: z
          .array(z.object({ slot: z.string(), text: z.string() }))
          .openapi({ description: "In the item's own order: slot A is its first response." }),
      })
      .openapi({ description: "The item as uploaded (not in the order the labeler saw)." }),
    answers: z
      .array(z.object({ question: z.string(), words: z.string() }))
      .openapi({ description: "Each question's answer in words, in the item's own slots." }),
    rationale: z.string().nullable(),
    shownOrder: z
      .string()
      .nullable()
      .openapi({ description: "The slots in the order the labeler saw them, when that differs (e.g. `B, A`)." }),
    inputSignals: z
      .array(
        z.object({
          field: z.string(),
          title: z.string(),
          pastes: z.number().int(),
          pastedChars: z.number().int(),
          typedChars: z.number().int(),
          typingMs: z.number().int(),
          pastedWhole: z.boolean(),
        }),
      )
      .openapi({ description: "How each text answer was written (no content): pastes, typing." }),
    timeSpentMs: z.number().int(),
    answeredAt: dateTime,
    status: z.enum(["pending", "approved", "rejected"]).openapi({
      description: "As it stands now: an answer nobody reviewed reads approved once the approval delay passed.",
    }),
    approvedAutomatically: z.boolean(),
    reviewable: z.boolean().openapi({ description: "Pending, unpaid and inside the approval delay." }),
    dueAt: dateTime.openapi({ description: "When it is approved automatically unless reviewed." }),
    reviewedAt: dateTime.nullable(),
    rejectionReason: z.enum(REJECTION_REASONS).nullable(),
    reviewNote: z.string().nullable(),
    paid: z.boolean(),
    appeal: Appeal.nullable(),
  })
  .openapi("ReviewAnswer");

const LabelerCounts = z.object({
  labeler: z.string(),
  answers: z.number().int(),
  reviewable: z.number().int(),
  approved: z.number().int(),
  rejected: z.number().int(),
  openAppeals: z.number().int(),
  quality: z.number().nullable(),
});

const Refused = z.array(
  z.object({
    labelId: z.number().int(),
    reason: z.enum(["not_found", "already_reviewed", "auto_approved", "paid"]).openapi({
      description:
        "`not_found`: not an answer of this project; `already_reviewed`; `auto_approved`: its approval delay " +
        "passed; `paid`: a payout paid it.",
    }),
  }),
);

const Rejection = z
  .object({
    labelId,
    projectId: z.string().uuid(),
    projectTitle: z.string(),
    item: z.string().openapi({ description: "The start of the item's prompt or text." }),
    status: z.enum(["rejected", "approved"]).openapi({ description: "`approved` once an appeal overturned it." }),
    rejectionReason: z.enum(REJECTION_REASONS),
    reviewNote: z.string().nullable(),
    reviewedAt: dateTime,
    appealUntil: dateTime.nullable().openapi({ description: "The appeal deadline; null once appealed." }),
    mayAppeal: z.boolean(),
    appeal: Appeal.nullable(),
  })
  .openapi("Rejection");

/** The shape of endpoints.server.ts's Endpoint that these use (importing it would make a cycle). */
interface ReviewEndpoint {
  method: "get" | "post";
  path: string;
  tag: string;
  summary: string;
  description?: string;
  caller: { key: "api"; roles: string[] };
  query?: z.AnyZodObject;
  body?: { schema: ZodTypeAny };
  ok: Record<number, { description: string; schema?: ZodTypeAny }>;
  errors: Record<number, string>;
}

export const REVIEW_ENDPOINTS: ReviewEndpoint[] = [
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/reviews",
    tag: TAG,
    summary: "The review queue",
    description:
      "Answers oldest (soonest due) first, with each labeler's counts. `sample=N` keeps each labeler's N newest " +
      "answers among those the status selects. Owners, co-owners and reviewers.",
    caller: { key: "api", roles: ["requester"] },
    query: ReviewQueueQuerySchema.extend({
      status: z.enum(REVIEW_STATUSES).optional().openapi({ description: "Default `reviewable`." }),
      sample: z.number().int().min(1).max(100).optional(),
      limit: z.number().int().min(1).max(100).optional().openapi({ description: "Default 50." }),
      cursor: z.number().int().min(0).optional().openapi({ description: "`next` of the previous page." }),
    }),
    ok: {
      200: {
        description: "A page of answers.",
        schema: z.object({
          answers: z.array(ReviewAnswer),
          next: z.number().int().nullable(),
          labelers: z.array(LabelerCounts),
        }),
      },
    },
    errors: { 400: "`invalid_input`.", 404: `${NOT_OWNED} \`not_found\` too for an unknown labeler pseudonym.` },
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/reviews",
    tag: TAG,
    summary: "Approve or reject answers",
    description:
      "Only answers still reviewable change (pending, unpaid, inside the project's approval delay); each other id " +
      "is listed in `refused` with why. A rejection needs a `reason` (and `other` a `note`); the labeler sees both " +
      "and may appeal within 7 days. Rejected answers leave the consensus and earn nothing.",
    caller: { key: "api", roles: ["requester"] },
    body: {
      schema: ReviewDecisionSchema.openapi("ReviewRequest", {
        example: { labelIds: [12, 13], decision: "reject", reason: "low_effort", note: "Answered in 2 s." },
      }),
    },
    ok: {
      200: {
        description: "`approved` or `rejected` (as decided): the ids that changed.",
        schema: z.object({
          approved: z.array(z.number().int()).optional(),
          rejected: z.array(z.number().int()).optional(),
          refused: Refused,
        }),
      },
    },
    errors: { 400: "`invalid_input` (a rejection without a reason…).", 404: NOT_OWNED },
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/appeals",
    tag: TAG,
    summary: "Appeals of rejections",
    caller: { key: "api", roles: ["requester"] },
    query: z.object({
      open: z.enum(["0", "1"]).optional().openapi({ description: "`1`: only appeals not decided yet." }),
    }),
    ok: {
      200: {
        description: "Oldest first, each with its answer.",
        schema: z.object({ appeals: z.array(ReviewAnswer.extend({ appeal: Appeal })) }),
      },
    },
    errors: { 400: "`invalid_input`.", 404: NOT_OWNED },
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/appeals/{labelId}",
    tag: TAG,
    summary: "Decide an appeal",
    description:
      "Final and once: `upheld` keeps the rejection; `overturned` approves the answer now, and the next payout " +
      "pays it. The labeler reads the `note`.",
    caller: { key: "api", roles: ["requester"] },
    body: {
      schema: AppealDecisionSchema.openapi("AppealDecision", { example: { decision: "overturned", note: "Fair." } }),
    },
    ok: {
      200: {
        description: "Decided.",
        schema: z.object({
          appeal: z.object({ labelId, decision: z.enum(APPEAL_DECISIONS), decidedAt: dateTime }),
        }),
      },
    },
    errors: {
      400: "`invalid_input`.",
      404: `${NOT_OWNED} \`not_found\` too for no appeal of that answer.`,
      409: "`already_decided`.",
    },
  },
  {
    method: "get",
    path: "/api/v1/appeals",
    tag: TAG,
    summary: "Your rejected answers (labelers)",
    caller: { key: "api", roles: ["labeler"] },
    ok: { 200: { description: "Newest first.", schema: z.object({ rejections: z.array(Rejection) }) } },
    errors: {},
  },
  {
    method: "post",
    path: "/api/v1/appeals",
    tag: TAG,
    summary: "Appeal a rejection (labelers)",
    description: "Once per answer, within 7 days of the rejection; the requester's decision is final.",
    caller: { key: "api", roles: ["labeler"] },
    body: {
      schema: AppealSchema.openapi("AppealRequest", {
        example: { labelId: 12, message: "Response A answers the question; B does not." },
      }),
    },
    ok: {
      201: {
        description: "Appealed.",
        schema: z.object({ labelId, projectId: z.string().uuid(), appeal: Appeal }),
      },
    },
    errors: {
      400: "`invalid_input`.",
      404: "`not_found`: no such answer of yours.",
      409: "`not_rejected`, `already_appealed`, `appeal_closed` (over 7 days since the rejection).",
    },
  },
];
