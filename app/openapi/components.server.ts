import { MAX_TEXT_ANSWER, questionSchema } from "../../db/schema/questions.ts";
import { taskTypeEnum } from "../../db/schema/projects.ts";
import { INPUT_SIGNAL_CAPS, MAX_INPUT_SIGNAL_FIELDS } from "../utils/schemas.ts";
import { z } from "./zod.server.ts";

// The shapes the API answers with (and the form answers in screen terms), as named OpenAPI components.

const amount = z.string().regex(/^\d+$/).openapi("Amount", {
  description: "A token amount in base units of the platform's mint, as a decimal string (never a JSON number).",
  example: "1000000",
});
const dateTime = z.string().datetime();
const uuid = z.string().uuid();

export const FieldProblem = z
  .object({ field: z.string(), message: z.string() })
  .openapi("FieldProblem", { description: "One invalid field of a JSON body; `field` is its dotted path." });
export const LineProblem = z
  .object({ line: z.number().int(), column: z.number().int().optional(), message: z.string() })
  .openapi("LineProblem", { description: "One problem of a rejected dataset, at its line (and column)." });

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: "Machine-readable, e.g. `invalid_input`, `not_found`." }),
      message: z.string().openapi({ description: "What went wrong, for a person." }),
      details: z.array(z.union([FieldProblem, LineProblem])).optional(),
    }),
  })
  .openapi("Error", {
    example: { error: { code: "invalid_input", message: "prompt: prompt must not be empty" } },
  });

export const Credits = z.object({ spent: amount, balance: amount }).openapi("Credits", {
  description:
    "What the call spent and the balance after it. An error spends nothing (`spent` is 0): a call that fails on " +
    "the platform's side is refunded, and one refused for want of credits is not charged.",
  example: { spent: "2", balance: "8" },
});

export const PremiumErrorBody = ErrorBody.extend({ credits: Credits }).openapi("PremiumError", {
  example: {
    error: { code: "insufficient_credits", message: "This call costs 6 credits and your balance is 5." },
    credits: { spent: "0", balance: "5" },
  },
});

export const Progress = z
  .object({
    items: z.number().int().openapi({ description: "Items uploaded." }),
    done: z.number().int().openapi({ description: "Items with all the answers they need." }),
    awaitingResponses: z
      .number()
      .int()
      .openapi({ description: "Form items waiting for responses to be generated (never served meanwhile)." }),
    inProgress: z.number().int().openapi({
      description: "Items a labeler holds a live lease on, or with some but not all of their first k answers.",
    }),
    open: z.number().int().openapi({
      description: "Items waiting for a labeler: never answered, or sent back for more answers and not leased since.",
    }),
    answers: z.number().int(),
    skipped: z.number().int(),
    flagged: z.number().int(),
  })
  .openapi("Progress");

export const Funds = z.object({ funded: amount, committed: amount, paid: amount, remaining: amount }).openapi("Funds", {
  description: "Deposited (verified on chain or recorded by an admin), owed for answers, paid out, and left.",
});

export const Question = questionSchema.openapi("Question", {
  description:
    "One question of a form. Names are unique; at most one preference or ranking question; not only text questions.",
});

export const Project = z
  .object({
    id: uuid,
    title: z.string(),
    instructions: z.string(),
    taskType: z.enum(taskTypeEnum.enumValues),
    labelsPerItem: z.number().int(),
    rewardPerLabel: amount,
    budget: amount,
    categories: z.array(z.string()).nullable(),
    ratingMin: z.number().int().nullable(),
    ratingMax: z.number().int().nullable(),
    questions: z.array(Question).nullable().openapi({ description: "The form (taskType `form`), else null." }),
    leaseSeconds: z.number().int(),
    paused: z.boolean(),
    closedAt: dateTime.nullable(),
    qualityThreshold: z.number().nullable(),
    approvalDelayHours: z.number().int().min(0).max(720).openapi({
      description: "Hours after which an answer nobody reviewed is approved (0: at once; at most 720, 30 days).",
    }),
    createdAt: dateTime,
  })
  .openapi("Project");

const Message = z
  .object({ role: z.string(), content: z.string() })
  .openapi("Message", { description: "One turn of a conversation, in OpenAI's chat format." });

const Slot = z
  .string()
  .regex(/^[A-Ia-i]$/)
  .openapi("Slot", {
    description:
      "A response by its position on this labeler's screen (A first); each assignment shows the responses in its own " +
      "random order and the server maps slots back to the item's responses.",
    example: "B",
  });

const preferenceChoice = z.enum(["A", "B", "tie", "both_bad", "left", "right"]).openapi({
  description: "`A` or `B` (`left` and `right` mean the same), `tie`, or `both_bad`.",
});
export const PreferenceAnswer = z
  .union([
    preferenceChoice,
    z.object({ choice: preferenceChoice, strength: z.number().int().min(1).max(3).optional() }),
  ])
  .openapi("PreferenceAnswer", {
    description: "A preference question: the choice, or the choice with a strength from 1 (slightly) to 3 (much).",
    example: { choice: "A", strength: 2 },
  });
export const RankingAnswer = z
  .array(z.union([Slot, z.array(Slot).min(1)]))
  .min(1)
  .openapi("RankingAnswer", {
    description: "A ranking question: every response's slot once, best first; tied responses as a nested list.",
    example: ["B", ["A", "C"]],
  });
export const RatingAnswer = z
  .union([z.number().int(), z.record(z.string(), z.number().int().nullable())])
  .openapi("RatingAnswer", {
    description:
      "A rating question: an integer on its scale, or (`per: response`) an object of one integer per slot; an " +
      "optional question may leave responses out.",
    example: { A: 4, B: 2 },
  });
const labelValue = z.union([z.string(), z.array(z.string())]);
export const LabelAnswer = z.union([labelValue, z.record(z.string(), labelValue.nullable())]).openapi("LabelAnswer", {
  description:
    "A label question: one of its categories (a list of them when `multiple`), or (`per: response`) an object of " +
    "them per slot.",
  example: { A: "accurate", B: "made up" },
});
export const TextAnswer = z
  .string()
  .max(MAX_TEXT_ANSWER)
  .openapi("TextAnswer", { description: "A text question: the text, at most the question's maxLength." });

export const ScreenAnswers = z
  .record(z.string(), z.union([PreferenceAnswer, RankingAnswer, RatingAnswer, LabelAnswer, TextAnswer]))
  .openapi("FormAnswers", {
    description:
      "A form's answers keyed by question name, responses named by their slots. Optional questions " +
      "(`required: false`) may be left out; a value is checked against its question and refused with a 400 naming it.",
    example: { rank: ["B", ["A", "C"]], helpful: { A: 3, B: 4, C: 1 }, rewrite: "A better reply" },
  });

const signalCount = (max: number, description: string) => z.number().int().min(0).max(max).openapi({ description });
export const InputSignals = z
  .record(
    z.string(),
    z
      .object({
        pastes: signalCount(INPUT_SIGNAL_CAPS.pastes, "Paste (or drop) events into the field."),
        pastedChars: signalCount(INPUT_SIGNAL_CAPS.pastedChars, "Characters that arrived by pasting or dropping."),
        typedChars: signalCount(INPUT_SIGNAL_CAPS.typedChars, "Characters typed: insertions that were not pastes."),
        typingMs: signalCount(INPUT_SIGNAL_CAPS.typingMs, "Milliseconds from the field's first edit to its last."),
      })
      .strict()
      .openapi("TextInputSignals"),
  )
  .openapi("InputSignals", {
    maxProperties: MAX_INPUT_SIGNAL_FIELDS,
    description:
      `Optional: how each text answer was written, keyed by the text question's name (\`rationale\` for the fixed ` +
      `shapes' rationale), at most ${MAX_INPUT_SIGNAL_FIELDS} fields. Counts and times only: no keystroke and no ` +
      "content is recorded. A name that is not a text question of the project is refused with a 400 naming it; " +
      "fields left empty are not stored. An answer whose pastes cover almost all of it, with little typed, is " +
      "marked `pasted` in the raw export and counts towards the requester's and the admins' paste signals.",
    example: { rewrite: { pastes: 1, pastedChars: 412, typedChars: 3, typingMs: 2100 } },
  });

const assignmentId = z.number().int().positive();
export const TaskView = z
  .discriminatedUnion("kind", [
    z.object({
      kind: z.literal("pairwise"),
      assignmentId,
      prompt: z.string(),
      left: z.string(),
      right: z.string(),
    }),
    z.object({ kind: z.literal("rating"), assignmentId, prompt: z.string(), response: z.string() }),
    z.object({ kind: z.literal("label"), assignmentId, text: z.string() }),
    z.object({
      kind: z.literal("form"),
      assignmentId,
      prompt: z.string().optional(),
      messages: z.array(Message).optional(),
      questions: z.array(Question),
      responses: z.array(z.object({ slot: Slot, text: z.string() })).openapi({
        description: "In this assignment's on-screen order. Which model wrote a response is not shown.",
      }),
    }),
  ])
  .openapi("Task", {
    description:
      "A leased task, its responses in this assignment's random order: left/right for pairs, slots A… for forms.",
  });
