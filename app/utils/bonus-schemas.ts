// Bonuses (issue 15): one set of schemas for the dashboard's Bonuses card (Conform, in the browser), its action, the
// JSON API and its OpenAPI document. Amounts are bounded by the server's bonus limit, which the loader hands over.
import { z } from "zod";
import { baseUnits, tokenAmount } from "./schemas.ts";
import type { TokenDisplay } from "./tokens.ts";

/** The most labelers one "top N" bonus pays. */
export const MAX_TOP_N = 100;
export const REASON_MAX = 500;

/** A labeler as requesters know them: the project's pseudonym (12 hex digits), never an account id. */
export const labelerPseudonymSchema = z
  .string({ required_error: "Pick the labeler to pay" })
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{12}$/, "Pick a labeler of this project (their pseudonym, 12 hex digits)");

const topSchema = z.coerce
  .number({ invalid_type_error: "top must be a number of labelers" })
  .int("top must be a whole number of labelers")
  .min(1, "Pay at least the top 1 labeler")
  .max(MAX_TOP_N, `Pay at most the top ${MAX_TOP_N} labelers at once`);

const reasonSchema = z
  .string({ required_error: "Give the reason: the labeler sees it on their Wallet" })
  .trim()
  .min(3, "Give the reason in a few words: the labeler sees it on their Wallet")
  .max(REASON_MAX, `Keep the reason under ${REASON_MAX} characters`);

const idempotencyKeySchema = z
  .string()
  .trim()
  .min(8, "idempotencyKey must be 8 to 100 characters")
  .max(100, "idempotencyKey must be 8 to 100 characters")
  .regex(/^[\w.:-]+$/, "idempotencyKey may hold letters, digits and . _ : - only");

/** The Bonuses card: one labeler of the project, or the top N by quality; an amount in tokens each; a reason. */
export const bonusFormSchema = (token: TokenDisplay, max: bigint) =>
  z
    .object({
      target: z.enum(["one", "top"], { message: "Pay one labeler or the top labelers by quality" }),
      labeler: labelerPseudonymSchema.optional(),
      top: z.preprocess((v) => (v === "" ? undefined : v), topSchema.optional()),
      tokens: tokenAmount("The bonus", token, max, 1n),
      reason: reasonSchema,
      idempotencyKey: idempotencyKeySchema,
    })
    .superRefine((v, ctx) => {
      if (v.target === "one" && !v.labeler)
        ctx.addIssue({ code: "custom", path: ["labeler"], message: "Pick the labeler to pay" });
      if (v.target === "top" && v.top === undefined)
        ctx.addIssue({ code: "custom", path: ["top"], message: "Say how many of the best labelers to pay" });
    });
export type BonusFormValue = z.output<ReturnType<typeof bonusFormSchema>>;

/**
 * POST /api/v1/projects/{id}/bonuses: `labelerId` (the project's pseudonym for the labeler, as in exports) or `top`
 * (the N best by quality, each paid the same), and `amount` in base units or `tokens` as people type them; a reason.
 */
export const bonusRequestSchema = (token: TokenDisplay, max: bigint) =>
  z
    .object({
      labelerId: labelerPseudonymSchema.optional(),
      top: topSchema.optional(),
      amount: baseUnits("amount", max, 1n).optional(),
      tokens: tokenAmount("tokens", token, max, 1n).optional(),
      reason: reasonSchema,
      idempotencyKey: idempotencyKeySchema.optional(),
    })
    .strict()
    .superRefine((v, ctx) => {
      if ((v.labelerId === undefined) === (v.top === undefined))
        ctx.addIssue({ code: "custom", path: ["labelerId"], message: "Give either labelerId or top, not both" });
      if ((v.amount === undefined) === (v.tokens === undefined))
        ctx.addIssue({ code: "custom", path: ["amount"], message: "Give either amount (base units) or tokens" });
    });
export type BonusRequestValue = z.output<ReturnType<typeof bonusRequestSchema>>;
