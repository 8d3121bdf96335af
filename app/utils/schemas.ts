import { z } from "zod";
import { formatAmount, parseTokens, type TokenDisplay } from "./tokens.ts";
import type { TextInputSignals } from "../../db/schema/labeling.ts";

// Shared by forms (Conform, in the browser) and actions (on the server).

export const EmailSchema = z.string().trim().toLowerCase().email("Enter a valid email address").max(254);
export const PasswordSchema = z.string().min(10, "Use at least 10 characters").max(200);

export const SignupSchema = z.object({
  name: z.string().trim().min(1, "Enter your name").max(80),
  email: EmailSchema,
  password: PasswordSchema,
  role: z.enum(["requester", "labeler"], { message: "Choose a role" }),
});

/**
 * SignupSchema plus a strength check of the password against the account's own name and email. The server passes
 * its estimator (zxcvbn, whose dictionaries are too big for the browser bundle); the form checks the rest.
 */
export const signupSchema = (weakness: (password: string, userInputs: string[]) => string | null) =>
  SignupSchema.superRefine((value, ctx) => {
    const local = value.email.split("@")[0];
    const words = [value.name, ...value.name.split(/\s+/), value.email, local, ...local.split(/[._+-]+/)];
    const problem = weakness(value.password, words.filter(Boolean));
    if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
  });

export const LoginSchema = z.object({
  email: EmailSchema,
  password: z.string().min(1, "Enter your password").max(200),
  redirectTo: z.string().optional(),
});

/** A whole number of token base units from `min` to `max` (the bound the server gives for this amount). */
export const baseUnits = (what: string, max: bigint, min = 0n) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,19}$/, `${what} must be a whole number of token base units`)
    .transform((s) => BigInt(s))
    .refine((n) => n >= min, min === 1n ? `${what} must be more than 0` : `${what} must be at least ${min} base units`)
    .refine((n) => n <= max, `${what} must be at most ${max} base units`);

/**
 * An amount typed in tokens ("1,234.5"), converted exactly to base units, from `min` to `max` base units; its messages
 * speak in tokens with the symbol.
 */
export const tokenAmount = (what: string, token: TokenDisplay, max: bigint, min = 0n) =>
  z
    .string({ required_error: `Enter the ${what.toLowerCase()} in ${token.symbol}` })
    .trim()
    .transform((text, ctx) => {
      const amount = parseTokens(text, token.decimals);
      const problem = tokenAmountProblem(what, token, amount, min, max);
      if (problem === null) return amount!;
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    });

function tokenAmountProblem(what: string, token: TokenDisplay, amount: bigint | null, min: bigint, max: bigint) {
  if (amount === null) {
    const shape = token.decimals === 0 ? "a whole number" : `a number with at most ${token.decimals} decimals`;
    return `${what} must be ${shape} of ${token.symbol}`;
  }
  if (amount < min)
    return min === 1n
      ? `${what} must be more than 0 ${token.symbol}`
      : `${what} must be at least ${formatAmount(min, token)}`;
  if (amount > max) return `${what} must be at most ${formatAmount(max, token)}`;
  return null;
}

/** The longest approval delay a project may have: 30 days. Answers nobody reviews are approved once it passes. */
export const MAX_APPROVAL_DELAY_HOURS = 720;
/** A new project's approval delay when none is given: 3 days, as MTurk's AutoApprovalDelay. */
export const DEFAULT_APPROVAL_DELAY_HOURS = 72;
export const APPROVAL_DELAY_UNITS = ["days", "hours"] as const;
export type ApprovalDelayUnit = (typeof APPROVAL_DELAY_UNITS)[number];

/** The JSON API's approval delay: whole hours from 0 (answers approved at once) to 720 (30 days). */
export const approvalDelayHoursSchema = z
  .number({
    required_error: "approvalDelayHours is required: whole hours from 0 to 720",
    invalid_type_error: "approvalDelayHours must be a number of hours from 0 to 720",
  })
  .int("approvalDelayHours must be whole hours")
  .min(0, "approvalDelayHours cannot be negative (0 approves answers at once)")
  .max(MAX_APPROVAL_DELAY_HOURS, `approvalDelayHours is at most ${MAX_APPROVAL_DELAY_HOURS} (30 days)`);

/**
 * The approval delay as people type it (a number of days or hours) in whole hours, or what is wrong with it in words
 * for the form.
 */
export function approvalDelayFromInput(
  amount: string,
  unit: ApprovalDelayUnit,
): { hours: number; problem?: undefined } | { hours?: undefined; problem: string } {
  const text = amount.trim();
  if (/^-/.test(text)) return { problem: "The approval delay cannot be negative: 0 approves answers at once" };
  if (!/^\d{1,6}(?:[.,]\d{1,4})?$/.test(text))
    return { problem: `Give the approval delay as a number of ${unit}, e.g. ${unit === "days" ? "3" : "72"}` };
  const exact = Number(text.replace(",", ".")) * (unit === "days" ? 24 : 1);
  const hours = Math.round(exact);
  if (Math.abs(exact - hours) > 1e-6) return { problem: "Give the approval delay in whole hours (a day is 24 hours)" };
  if (hours > MAX_APPROVAL_DELAY_HOURS)
    return { problem: `The approval delay is at most 30 days (${MAX_APPROVAL_DELAY_HOURS} hours)` };
  return { hours };
}

/** The form's approval delay fields: the number as typed and its unit (days unless hours are chosen). */
const approvalDelayFields = {
  approvalDelay: z.string().trim().max(20, "Give the approval delay as a number of days or hours").optional(),
  approvalDelayUnit: z
    .enum(APPROVAL_DELAY_UNITS, { message: "The approval delay is in days or hours" })
    .default("days"),
};

function checkApprovalDelay(
  value: { approvalDelay?: string; approvalDelayUnit: ApprovalDelayUnit },
  ctx: z.RefinementCtx,
) {
  if (value.approvalDelay === undefined || value.approvalDelay === "") return;
  const { problem } = approvalDelayFromInput(value.approvalDelay, value.approvalDelayUnit);
  if (problem) ctx.addIssue({ code: "custom", path: ["approvalDelay"], message: problem });
}

/**
 * The approval delay a validated project input asks for, in hours: the API's `approvalDelayHours`, else the form's
 * number and unit, else the default.
 */
export function approvalDelayHoursOf(value: {
  approvalDelayHours?: number;
  approvalDelay?: string;
  approvalDelayUnit: ApprovalDelayUnit;
}): number {
  if (value.approvalDelayHours !== undefined) return value.approvalDelayHours;
  if (value.approvalDelay === undefined || value.approvalDelay === "") return DEFAULT_APPROVAL_DELAY_HOURS;
  return approvalDelayFromInput(value.approvalDelay, value.approvalDelayUnit).hours ?? DEFAULT_APPROVAL_DELAY_HOURS;
}

/** The dashboard's approval delay setting: how long answers nobody reviews wait before they are approved. */
export const ApprovalDelayFormSchema = z
  .object({
    ...approvalDelayFields,
    approvalDelay: z
      .string({ required_error: "Enter how long answers wait for review: a number of days or hours (0: at once)" })
      .trim()
      .max(20, "Give the approval delay as a number of days or hours"),
  })
  .superRefine(checkApprovalDelay);

/** PATCH /api/v1/projects/{id}: the settings to change (only the approval delay for now). */
export const ProjectSettingsSchema = z.object({ approvalDelayHours: approvalDelayHoursSchema }).strict();

/** Upper bounds of the amounts a project form takes, in base units (from the server's amount limits). */
export interface ProjectAmountLimits {
  rewardPerLabel: bigint;
  budget: bigint;
}

/**
 * The project form and API input. A "form" project's questions arrive as JSON text (`questions`); the server passes
 * `checkQuestions` (questionsSchema lives outside app/, so the browser bundle cannot hold it) to validate them.
 * Amounts are base units (the API), or tokens as people type them when `token` is given (the web form); either way
 * the parsed value is base units.
 */
export const createProjectSchema = (
  limits: ProjectAmountLimits,
  checkQuestions?: (questions: unknown) => { path: (string | number)[]; message: string }[],
  token?: TokenDisplay,
) =>
  z
    .object({
      title: z.string().trim().min(3, "Give the project a title").max(200),
      instructions: z.string().max(50_000).default(""),
      taskType: z.enum(["pairwise", "rating", "label", "form"]),
      questions: z.string().max(200_000).optional(),
      labelsPerItem: z.coerce.number().int().min(1).max(50).default(3),
      rewardPerLabel: token
        ? tokenAmount("Reward per label", token, limits.rewardPerLabel)
        : baseUnits("Reward per label", limits.rewardPerLabel),
      budget: token ? tokenAmount("Budget", token, limits.budget) : baseUnits("Budget", limits.budget),
      categories: z.string().max(5_000).optional(),
      ratingMin: z.coerce.number().int().min(-100).max(100).optional(),
      ratingMax: z.coerce.number().int().min(-100).max(100).optional(),
      leaseMinutes: z.coerce
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(10),
      approvalDelayHours: approvalDelayHoursSchema.optional(),
      ...approvalDelayFields,
    })
    .superRefine((p, ctx) => {
      checkApprovalDelay(p, ctx);
      if (p.taskType === "label") {
        const cats = parseCategories(p.categories);
        if (cats.length < 2)
          ctx.addIssue({ code: "custom", path: ["categories"], message: "List at least two categories, one per line" });
        if (new Set(cats).size !== cats.length)
          ctx.addIssue({ code: "custom", path: ["categories"], message: "Categories must be distinct" });
      }
      if (p.taskType === "form") {
        let questions: unknown;
        try {
          questions = JSON.parse(p.questions ?? "");
        } catch {
          ctx.addIssue({ code: "custom", path: ["questions"], message: "Add the form's questions (a JSON list)" });
          return;
        }
        for (const issue of checkQuestions?.(questions) ?? [])
          ctx.addIssue({ code: "custom", path: ["questions", ...issue.path], message: issue.message });
      }
      if (p.taskType === "rating") {
        if (p.ratingMin === undefined || p.ratingMax === undefined || p.ratingMin >= p.ratingMax)
          ctx.addIssue({
            code: "custom",
            path: ["ratingMax"],
            message: "Set a scale whose maximum is above its minimum",
          });
      }
    });

export function parseCategories(text: string | undefined): string[] {
  return (text ?? "")
    .split(/[\n,]/)
    .map((c) => c.trim())
    .filter(Boolean);
}

export const FLAG_REASONS = ["unanswerable", "harmful", "broken"] as const;

/** A form's answers by question name: an object from the API, JSON text from the labeling page. */
const formAnswers = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  },
  z.record(z.string(), z.unknown(), { message: "answers must be an object keyed by question name" }),
);

/** Caps of one text field's input signals: what a browser can plausibly report for one answer. */
export const INPUT_SIGNAL_CAPS = {
  pastes: 10_000,
  pastedChars: 1_000_000,
  typedChars: 1_000_000,
  typingMs: 86_400_000,
};
export const MAX_INPUT_SIGNAL_FIELDS = 20;

/**
 * How each text answer was written (pastes, typing; never its keys), by question name or `rationale`: an object from
 * the API, JSON text from the labeling page. Which names the project has is checked with the answer.
 */
const inputSignals = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  },
  z
    .record(z.string(), z.unknown(), { message: "inputSignals must be an object keyed by question name" })
    .superRefine((fields, ctx) => {
      const names = Object.keys(fields);
      if (names.length > MAX_INPUT_SIGNAL_FIELDS)
        ctx.addIssue({ code: "custom", message: `inputSignals: at most ${MAX_INPUT_SIGNAL_FIELDS} fields` });
      for (const name of names) {
        const given = fields[name];
        const record = given && typeof given === "object" && !Array.isArray(given) ? given : null;
        const extra = record && Object.keys(record).find((k) => !(k in INPUT_SIGNAL_CAPS));
        if (!record || extra) {
          const what = extra ? `has no "${extra}"` : "must be an object";
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `inputSignals.${name} ${what}: give pastes, pastedChars, typedChars and typingMs`,
          });
          continue;
        }
        for (const [key, max] of Object.entries(INPUT_SIGNAL_CAPS)) {
          const n = (record as Record<string, unknown>)[key];
          if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > max)
            ctx.addIssue({
              code: "custom",
              path: [name, key],
              message: `inputSignals.${name}.${key} must be a whole number from 0 to ${max}`,
            });
        }
      }
    })
    .transform((fields) => fields as Record<string, TextInputSignals>),
);

/**
 * One labeling form post: an answer, a skip or a flag, in on-screen terms: `choice` for the fixed shapes (left/right
 * for pairs), `answers` for a form (responses named by their slots A, B, …).
 */
export const TaskActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("answer"),
    assignmentId: z.coerce.number().int().positive(),
    choice: z.string().trim().min(1, "Choose an answer").max(200).optional(),
    answers: formAnswers.optional(),
    strength: z.coerce.number().int().min(1).max(3).optional(),
    rationale: z.string().max(5_000).optional(),
    inputSignals: inputSignals.optional(),
    timeSpentMs: z.coerce
      .number()
      .int()
      .min(0)
      .max(24 * 3600 * 1000)
      .optional(),
  }),
  z.object({ intent: z.literal("skip"), assignmentId: z.coerce.number().int().positive() }),
  z.object({
    intent: z.literal("flag"),
    assignmentId: z.coerce.number().int().positive(),
    reason: z.enum(FLAG_REASONS),
  }),
]);

/** The labeling page's posts: TaskActionSchema's, and `undo` of the labeler's last answer (by its assignment). */
export const LabelingPageActionSchema = z.discriminatedUnion("intent", [
  ...TaskActionSchema.options,
  z.object({ intent: z.literal("undo"), assignmentId: z.coerce.number().int().positive() }),
]);

export const ApiKeySchema = z.object({
  name: z.string().trim().min(1, "Name the key").max(80),
  scope: z.enum(["api", "premium"]).default("api"),
});

/** Requester actions on a project's consensus: recompute, send unsure items out again, set the pause threshold. */
export const ConsensusActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("recompute") }),
  z.object({
    intent: z.literal("raise-k"),
    below: z.coerce.number().min(0.5, "Pick a confidence of at least 0.5").max(1, "Confidence is at most 1"),
    extra: z.coerce
      .number()
      .int()
      .min(1, "Ask for at least one more answer")
      .max(10, "At most 10 more answers per item"),
  }),
  z.object({
    intent: z.literal("threshold"),
    threshold: z
      .string()
      .trim()
      .transform((s) => (s === "" ? null : Number(s)))
      .refine((n) => n === null || (Number.isFinite(n) && n >= 0 && n <= 1), "The minimum quality is between 0 and 1"),
  }),
]);

export const PauseUserSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("pause"),
    userId: z.string().uuid(),
    reason: z
      .string({ required_error: "Give the reason: the account is shown it" })
      .trim()
      .min(3, "Give the reason in a few words: the account is shown it")
      .max(300, "Keep the reason under 300 characters"),
  }),
  z.object({ intent: z.literal("unpause"), userId: z.string().uuid() }),
]);

const base58 = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,88}$/, "must be base58");

export const WalletChallengeSchema = z.object({ address: base58 });
export const WalletLinkSchema = z.object({ nonce: z.string().min(8).max(100), signature: base58 });
/** The largest amount a bigint column (PostgreSQL int8) holds: anything above cannot be an order. */
const INT8_MAX = 2n ** 63n - 1n;

export const RedemptionStartSchema = z.object({
  amount: baseUnits("amount", INT8_MAX),
  mode: z.enum(["burn", "transfer"]).default("burn"),
});
export const RedemptionCompleteSchema = z
  .object({ signedTransaction: z.string().max(4000).optional(), signature: base58.optional() })
  .refine((v) => v.signedTransaction || v.signature, "send signedTransaction (base64) or signature");

/** "2026-11-23" naming a day that exists (not 2026-02-30). */
const isCalendarDay = (text: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)) && new Date(text).toISOString().startsWith(text);

export const TreasuryActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("payout"),
    epoch: z
      .string({ required_error: "Pick the day to pay" })
      .trim()
      .refine(isCalendarDay, "Pick a day from the calendar, like 2026-11-23"),
  }),
  z.object({
    intent: z.literal("grant"),
    email: EmailSchema,
    credits: z.coerce.number().int().min(1, "Grant at least one credit").max(1_000_000_000),
  }),
]);

const text = (what: string) => z.string().trim().min(1, `${what} must not be empty`).max(50_000, `${what} is too long`);

export const ScoreSchema = z.object({
  prompt: text("prompt"),
  responses: z
    .array(text("each response"))
    .min(1, "give at least one response")
    .max(256, "at most 256 responses per call"),
});
export const JudgeSchema = z.object({ prompt: text("prompt"), a: text("a"), b: text("b") });
export const ChatSchema = z.object({
  model: z.string().uuid("model must be the id of a published reward model"),
  messages: z
    .array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string().max(50_000) }))
    .min(1, "give at least one message"),
  n: z.number().int().min(1).max(8).default(4),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().min(1).max(8192).optional(),
});

/** A deposit order for a project: `amount` in base units, positive and at most the server's deposit limit. */
export const depositStartSchema = (max: bigint) => z.object({ amount: baseUnits("amount", max, 1n) });
/** Completes a deposit order exactly as a redemption is completed. */
export const DepositCompleteSchema = RedemptionCompleteSchema;

/** An admin's record of a project funded off chain: tokens as typed (at most `max` base units) and a reason. */
export const projectFundingSchema = (token: TokenDisplay, max: bigint) =>
  z.object({
    intent: z.literal("fund"),
    projectId: z.string({ required_error: "Pick a project" }).uuid("Pick a project"),
    amount: tokenAmount("Amount", token, max, 1n),
    reason: z
      .string({ required_error: "Give the reason, e.g. the invoice or payment reference" })
      .trim()
      .min(3, "Give the reason, e.g. the invoice or payment reference")
      .max(500),
  });

/**
 * Responses generated upstream for a form's waiting items: `n` per item, the models taking turns (a list, or one
 * text of names separated by commas or spaces, as the dashboard's form sends it; default the configured model).
 */
export const GenerationSchema = z.object({
  models: z
    .preprocess(
      (v) => (typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v),
      z
        .array(z.string().trim().min(1, "a model name must not be empty").max(200, "a model name is too long"))
        .min(1, "name at least one model")
        .max(9, "name at most 9 models")
        .refine((names) => new Set(names).size === names.length, "name each model once"),
    )
    .optional(),
  n: z
    .number({ required_error: "n (responses per item) is required", invalid_type_error: "n must be a number" })
    .int("n must be a whole number")
    .min(1, "n must be from 1 to 9")
    .max(9, "n must be from 1 to 9"),
  temperature: z
    .number({ invalid_type_error: "temperature must be a number" })
    .min(0, "temperature must be from 0 to 2")
    .max(2, "temperature must be from 0 to 2")
    .default(1),
});

/**
 * An export's query parameters (`?pairs=best`, `?best=1&question=rewrite`); each applies to one kind, and whether
 * it fits the project's questions is checked with the project (app/utils/export.server.ts).
 */
export const ExportParamsSchema = z.object({
  pairs: z
    .enum(["all", "best"], {
      message:
        'pairs must be "all" (every pair of the consensus ranking) or "best" (the best response against each other)',
    })
    .optional(),
  best: z
    .enum(["0", "1"], { message: "best must be 1 (add each item's consensus best response) or 0" })
    .transform((v) => v === "1")
    .optional(),
  question: z
    .array(z.string().trim().min(1, "question must name a text question of the form").max(40, "question is too long"))
    .max(20, "name at most 20 questions")
    .optional(),
});
export type ExportParams = z.output<typeof ExportParamsSchema>;

/** POST /api/v1/projects/{id}/models: `{}` trains a new version; `{"publish"}` publishes one (below the baseline only
 * with `confirmWeak`, as the dashboard asks). */
export const ModelsRequestSchema = z.object({
  publish: z.string({ invalid_type_error: "publish must be the id of a trained model version" }).optional(),
  confirmWeak: z.boolean({ invalid_type_error: "confirmWeak must be true or false" }).optional(),
});

// Qualification tests (issue 15): the same schemas read the requester's forms and the JSON API.

/** A form's empty field is "not given"; a JSON value is taken as it is. */
const blankAsUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);
/** A checkbox ("on" when ticked, absent when not) or a JSON boolean. */
const checkbox = z.preprocess(
  (v) => (v === "on" || v === "true" ? true : v === undefined || v === "" || v === "false" ? false : v),
  z.boolean({ invalid_type_error: "showAnswers must be true or false" }),
);
const jsonList = z.preprocess(
  (v) => {
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  },
  z.array(z.unknown(), { message: "questions must be a JSON list of questions" }),
);

/**
 * A qualification test's settings. `questions` is a JSON list (text from the form) checked with questionsSchema by
 * the caller, which reports every problem with its path; `passMark` is a share from 0 (excluded) to 1.
 */
export const qualificationTestSchema = (rewardMax: bigint, token?: TokenDisplay) =>
  z.object({
    title: z.string().trim().min(3, "Give the test a title of at least 3 characters").max(200),
    instructions: z.string().max(20_000).default(""),
    questions: jsonList,
    passMark: z.coerce
      .number({ invalid_type_error: "passMark must be a number from 0 to 1" })
      .gt(0, "passMark must be above 0")
      .max(1, "passMark is a share of the items, at most 1"),
    maxAttempts: z.coerce.number().int("maxAttempts must be a whole number").min(1).max(20).default(2),
    retryAfterHours: z.coerce.number().int("retryAfterHours must be whole hours").min(0).max(8_760).default(24),
    validDays: z.preprocess(
      blankAsUndefined,
      z.coerce.number().int("validDays must be whole days").min(1).max(3_650).nullable().default(null),
    ),
    showAnswers: checkbox,
    /** Base units (the API), or tokens as typed when `token` is given (the form, where empty means 0); default 0. */
    rewardPerAttempt: token
      ? z.preprocess(
          (v) => (v === undefined || v === "" ? "0" : v),
          tokenAmount("Reward per attempt", token, rewardMax),
        )
      : baseUnits("rewardPerAttempt", rewardMax).optional(),
  });
/** The settings as the API takes them (the reward in base units, bounded by int8; the server bounds it further). */
export const QualificationTestSchema = qualificationTestSchema(INT8_MAX);

/** A test's items as JSONL text (the requester's page). */
export const QualificationItemsFormSchema = z.object({
  items: z.string().trim().min(1, "Paste or choose a JSONL file of items").max(5_000_000),
});

/** The tests a project requires and the minimum prior quality (0–1; empty: none). */
export const MAX_INVITED_LABELERS = 1000;

export const ProjectQualificationsSchema = z.object({
  tests: z.array(z.string().uuid("tests must be qualification test ids")).max(20, "require at most 20 tests"),
  visibility: z
    .enum(["public", "private"], { message: 'visibility must be "public" (any labeler) or "private"' })
    .optional(),
  labelers: z
    .array(EmailSchema, { invalid_type_error: "labelers must be a list of email addresses" })
    .max(MAX_INVITED_LABELERS, `invite at most ${MAX_INVITED_LABELERS} labelers`)
    .optional(),
  minPriorQuality: z.preprocess(
    blankAsUndefined,
    z.coerce
      .number({ invalid_type_error: "minPriorQuality must be a number from 0 to 1" })
      .min(0, "minPriorQuality is from 0 to 1")
      .max(1, "minPriorQuality is from 0 to 1")
      .nullable()
      .default(null),
  ),
});

/** Starting an attempt: optionally for one of the projects that require the test. */
export const StartAttemptSchema = z.object({ projectId: z.string().uuid().optional() });

/** Finishing an attempt: each item's answers by item id, in screen terms (slots A, B, … in the item's order). */
export const FinishAttemptSchema = z.object({
  answers: z.record(
    z.string().regex(/^\d+$/, "answers are keyed by item id"),
    z.record(z.string(), z.unknown(), { message: "each item's answers are an object keyed by question name" }),
  ),
});

/** The test page's posts: start an attempt, or answer / skip / flag (as skip) its current item. */
export const TestPageActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  ...TaskActionSchema.options,
]);

const MemberRoleSchema = z.enum(["co_owner", "reviewer"], { message: "The role is co-owner or reviewer" });
const MemberIdSchema = z.coerce.number({ message: "No such member" }).int().positive("No such member");

/** The dashboard's Team card: invite by email (this project or all the owner's), withdraw, change a role, remove. */
export const TeamActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("invite"),
    email: EmailSchema,
    role: MemberRoleSchema,
    scope: z.enum(["project", "all"], { message: "Invite to this project or to all your projects" }),
  }),
  z.object({ intent: z.literal("revoke"), invitationId: z.string().uuid("No such invitation") }),
  z.object({ intent: z.literal("remove"), memberId: MemberIdSchema }),
  z.object({ intent: z.literal("role"), memberId: MemberIdSchema, role: MemberRoleSchema }),
]);

/** `GET …/audit-log?limit=&before=`: a page of the project's audit log, latest first. */
export const AuditLogQuerySchema = z.object({
  limit: z.coerce.number().int().min(1, "limit is from 1 to 100").max(100, "limit is from 1 to 100").default(50),
  before: z.coerce.number().int().positive("before is an entry id").optional(),
});
