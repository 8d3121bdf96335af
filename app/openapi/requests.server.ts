import { MAX_QUESTIONS } from "../../db/schema/questions.ts";
import { limits } from "../utils/amount-limits.server.ts";
import { EXPORT_KINDS } from "../utils/export.server.ts";
import {
  createProjectSchema,
  ExportParamsSchema,
  ModelsRequestSchema,
  ProjectSettingsSchema,
  TaskActionSchema,
} from "../utils/schemas.ts";
import { InputSignals, Question, ScreenAnswers } from "./components.server.ts";
import { z } from "./zod.server.ts";

// Request shapes that the JSON API reads a little differently from the form schema they are validated with: each
// is derived from that schema, with the field the route converts first (JSON numbers, lists) as the route takes it.

const projectForm = createProjectSchema(limits).innerType();

const amountOf = (field: "rewardPerLabel" | "budget", max: bigint) =>
  z.union([projectForm.shape[field], z.number().int().min(0)]).openapi({
    description: `Base units of the platform's mint, as a decimal string or a JSON integer; at most ${max}.`,
  });

/** POST /api/v1/projects: the project form's fields, with JSON amounts, a list of categories and a list of questions. */
export const NewProject = projectForm
  .omit({ questions: true, categories: true, approvalDelay: true, approvalDelayUnit: true })
  .extend({
    taskType: projectForm.shape.taskType.optional().openapi({
      description:
        "`pairwise`, `rating` or `label` for the fixed shapes; `form` for a form of questions, implied when " +
        "`questions` is given.",
    }),
    // questionsSchema's list, its items named (the generator would inline them); its rules across questions are in
    // Question's description.
    questions: z
      .array(Question)
      .min(1)
      .max(MAX_QUESTIONS)
      .optional()
      .openapi({ description: "The form: required when taskType is `form`." }),
    rewardPerLabel: amountOf("rewardPerLabel", limits.rewardPerLabel),
    budget: amountOf("budget", limits.budget),
    categories: z
      .union([z.array(z.string()), projectForm.shape.categories.unwrap()])
      .optional()
      .openapi({ description: "A label project's categories (at least two, distinct): a list, or one per line." }),
    leaseSeconds: z.number().positive().max(86_400).optional().openapi({
      description: "How long a labeler holds a task, in seconds (rounded up to minutes); or give `leaseMinutes`.",
    }),
    approvalDelayHours: projectForm.shape.approvalDelayHours.openapi({
      description:
        "Hours after which an answer nobody reviewed is approved (and paid in the next payout): 0 approves at once, " +
        "at most 720 (30 days); default 72.",
    }),
  })
  .openapi("NewProject", {
    anyOf: [{ required: ["taskType"] }, { required: ["questions"] }],
    example: {
      title: "Rank the replies",
      rewardPerLabel: "1000",
      budget: "1000000",
      labelsPerItem: 3,
      questions: [
        { name: "rank", type: "ranking", title: "Order the replies, best first" },
        { name: "helpful", type: "rating", title: "Helpfulness", min: 1, max: 5, per: "response" },
        { name: "rewrite", type: "text", title: "Improve the best reply", prefill: "best", required: false },
      ],
    },
  });

/** PATCH /api/v1/projects/{id}: the settings to change. */
export const ProjectSettings = ProjectSettingsSchema.extend({
  approvalDelayHours: ProjectSettingsSchema.shape.approvalDelayHours.openapi({
    description: "Hours after which an answer nobody reviewed is approved: 0 (at once) to 720 (30 days).",
  }),
}).openapi("ProjectSettings", { example: { approvalDelayHours: 48 } });

const [answer, skip, flag] = TaskActionSchema.options;

/** POST /api/v1/projects/{id}/tasks: `{}` leases the next task, an action acts on one and leases the next. */
export const TaskRequest = z
  .union([
    z.object({}).strict().openapi("Lease", { description: "`{}`: lease the next task." }),
    z
      .discriminatedUnion("intent", [
        answer.extend({
          choice: answer.shape.choice.openapi({
            description:
              "The fixed shapes' answer, as text: a pair's `left`, `right`, `tie` or `both_bad`; a rating's integer " +
              "on the project's scale (`\"4\"`); a label's category.",
          }),
          answers: ScreenAnswers.optional(),
          inputSignals: InputSignals.optional(),
        }),
        skip,
        flag,
      ])
      .openapi("TaskAction"),
  ])
  .openapi("TaskRequest", {
    example: {
      intent: "answer",
      assignmentId: 42,
      answers: { rank: ["B", ["A", "C"]], helpful: { A: 3, B: 4, C: 1 } },
      timeSpentMs: 5200,
    },
  });

/** GET /api/v1/projects/{id}/export: the kind and its parameters. */
export const ExportQuery = ExportParamsSchema.extend({
  kind: z.enum(EXPORT_KINDS).optional().openapi({
    description: "Default: `preferences` for a pairwise project, `consensus` for the others.",
  }),
});

/** POST /api/v1/projects/{id}/models: `{}` trains a new version, `{"publish"}` publishes one. */
export const ModelsRequest = ModelsRequestSchema.extend({
  publish: ModelsRequestSchema.shape.publish.openapi({ description: "The id of a trained model version." }),
  confirmWeak: ModelsRequestSchema.shape.confirmWeak.openapi({
    description:
      'Publish even when the version scored below the "longer response wins" baseline on held-out pairs ' +
      "(refused with 409 `below_baseline` otherwise).",
  }),
}).openapi("ModelsRequest");
