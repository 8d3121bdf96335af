// The bonus endpoints (issue 15), spread into ENDPOINTS by endpoints.server.ts.
import type { ZodTypeAny } from "zod";
import { MAX_TOP_N, REASON_MAX } from "../utils/bonus-schemas.ts";
import { z } from "./zod.server.ts";

const dateTime = z.string().datetime();
const baseUnits = z.string().regex(/^\d+$/);
const TAG = "Bonuses";

const NOT_OWNED =
  "`not_found`: no such project among yours or your team's; a team member whose role may not pay bonuses (a " +
  "reviewer) gets `403 forbidden_role`.";

const Bonus = z
  .object({
    id: z.number().int(),
    labeler: z
      .string()
      .openapi({ description: "The labeler's pseudonym on this project (as `labeler_id` in exports)." }),
    kind: z.enum(["bonus", "qualification_test"]).openapi({
      description: "`bonus`: given by the requester; `qualification_test`: a paid test's attempt.",
    }),
    amount: baseUnits,
    reason: z.string(),
    createdAt: dateTime,
    status: z.enum(["waiting", "awaiting_wallet", "queued", "batched", "paid"]).openapi({
      description:
        "`waiting`: for the next payout to plan it; then the status of the labeler's payout row of that epoch " +
        "(`awaiting_wallet` until they link a wallet, `paid` once the transaction is confirmed).",
    }),
    epoch: z.string().nullable().openapi({ description: "The payout epoch that pays it; null while waiting." }),
    signature: z.string().nullable().openapi({ description: "The transaction that paid it, once paid." }),
    explorer: z.string().nullable(),
  })
  .openapi("Bonus");

const BonusRequest = z
  .object({
    labelerId: z
      .string()
      .regex(/^[0-9a-fA-F]{12}$/)
      .optional()
      .openapi({
        description: "One labeler who answered on the project, by its pseudonym for them (exports' `labeler_id`).",
      }),
    top: z
      .number()
      .int()
      .min(1)
      .max(MAX_TOP_N)
      .optional()
      .openapi({ description: "Or the N labelers with the best quality score, ties by who answered first." }),
    amount: baseUnits.optional().openapi({ description: "Base units each; at most 10⁶ tokens." }),
    tokens: z.string().optional().openapi({ description: 'Or tokens as people type them, e.g. "2.5".' }),
    reason: z.string().min(3).max(REASON_MAX).openapi({ description: "Shown to the labeler on their Wallet." }),
    idempotencyKey: z
      .string()
      .min(8)
      .max(100)
      .regex(/^[\w.:-]+$/)
      .optional()
      .openapi({
        description: "Sending the request again with it returns the first one's bonuses; nothing is paid twice.",
      }),
  })
  .strict()
  .openapi("BonusRequest", {
    description: "Exactly one of `labelerId` and `top`, and exactly one of `amount` and `tokens`.",
    example: {
      labelerId: "7f3a9c01b2d4",
      amount: "2500000",
      reason: "Careful rationales",
      idempotencyKey: "bonus-2026-11-23-1",
    },
  });

/** The shape of endpoints.server.ts's Endpoint that these use (importing it would make a cycle). */
interface BonusEndpoint {
  method: "get" | "post";
  path: string;
  tag: string;
  summary: string;
  description?: string;
  caller: { key: "api"; roles: string[] };
  body?: { schema: ZodTypeAny };
  ok: Record<number, { description: string; schema?: ZodTypeAny }>;
  errors: Record<number, string>;
}

export const BONUS_ENDPOINTS: BonusEndpoint[] = [
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/bonuses",
    tag: TAG,
    summary: "A project's bonuses",
    description: "Newest first, with where each one's payout stands.",
    caller: { key: "api", roles: ["requester"] },
    ok: { 200: { description: "The bonuses.", schema: z.object({ bonuses: z.array(Bonus) }) } },
    errors: { 404: NOT_OWNED },
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/bonuses",
    tag: TAG,
    summary: "Pay a bonus",
    description:
      "From the project's funds, to one labeler who answered on it or to the top N by quality (each the same " +
      "amount), paid on chain with their next payout (under that epoch's Merkle root). The total must fit what the " +
      "project can still commit after holding the full reward for every answer awaiting pay and every live lease. " +
      "Audit-logged.",
    caller: { key: "api", roles: ["requester"] },
    body: { schema: BonusRequest },
    ok: {
      201: {
        description: "Paid.",
        schema: z.object({ bonuses: z.array(Bonus), replayed: z.literal(false) }),
      },
      200: {
        description: "The idempotency key was used before: that request's bonuses; nothing new was paid.",
        schema: z.object({ bonuses: z.array(Bonus), replayed: z.literal(true) }),
      },
    },
    errors: {
      400: "`invalid_input`; `not_a_labeler`: nobody answered on the project under that pseudonym.",
      404: NOT_OWNED,
      409: "`insufficient_funds`, saying what can still be given; `no_labelers`: nobody is scored yet for `top`.",
    },
  },
];
