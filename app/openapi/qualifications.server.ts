// The qualification tests' endpoints (issue 15), spread into ENDPOINTS and PATH_PARAMS by endpoints.server.ts.
import { FinishAttemptSchema, ProjectQualificationsSchema, QualificationTestSchema } from "../utils/schemas.ts";
import { Question, ScreenAnswers } from "./components.server.ts";
import type { ZodTypeAny } from "zod";
import { z } from "./zod.server.ts";

const uuid = z.string().uuid();
const dateTime = z.string().datetime();
const baseUnits = z.string().regex(/^\d+$/);

export const QUALIFICATION_PATH_PARAMS = {
  "{testId}": z.object({ testId: uuid.openapi({ description: "The qualification test's id." }) }),
  "{attemptId}": z.object({
    attemptId: z.string().regex(/^\d+$/).openapi({ description: "The attempt's id (from starting it)." }),
  }),
};

const NOT_OWN_TEST = "`not_found`: no such test among yours (another requester's test is a 404 too).";

const Test = z
  .object({
    id: uuid,
    title: z.string(),
    instructions: z.string(),
    questions: z.array(Question),
    passMark: z.number().openapi({ description: "Share of the items (0–1) a labeler must get right to pass." }),
    maxAttempts: z.number().int(),
    retryAfterHours: z.number().int().openapi({ description: "Hours to wait after a failed attempt." }),
    validDays: z.number().int().nullable().openapi({ description: "Days a pass lasts; null: it never expires." }),
    showAnswers: z.boolean().openapi({
      description: "Whether labelers see the known answers (and explanations) of the items they got wrong.",
    }),
    rewardPerAttempt: baseUnits.openapi({
      description:
        "Paid per finished attempt (base units; `0`: unpaid), as a bonus from the funds of the project it is taken " +
        "for, when they can cover it.",
    }),
    items: z.number().int(),
    createdAt: dateTime,
  })
  .openapi("QualificationTest");

const TestRequest = QualificationTestSchema.extend({
  questions: z.array(Question).min(1).openapi({ description: "The questions asked about each item (a form)." }),
  passMark: z.number().gt(0).max(1),
  maxAttempts: z.number().int().min(1).max(20).optional(),
  retryAfterHours: z.number().int().min(0).max(8_760).optional(),
  validDays: z.number().int().min(1).max(3_650).nullable().optional(),
  showAnswers: z.boolean().optional().openapi({ description: "Default false." }),
  rewardPerAttempt: baseUnits.optional().openapi({
    description:
      "Base units paid per finished attempt taken for one of your projects that requires the test (default `0`: " +
      "unpaid; at most 10⁶ tokens). Paid as a bonus from that project's funds; an attempt they cannot cover is unpaid.",
  }),
}).openapi("QualificationTestRequest", {
  example: {
    title: "Helpfulness basics",
    questions: [{ name: "better", type: "preference", title: "Which reply is more helpful?" }],
    passMark: 0.8,
    maxAttempts: 2,
    retryAfterHours: 24,
    validDays: 90,
    showAnswers: true,
  },
});

const TestItemInput = z.record(z.string(), z.unknown()).openapi("QualificationItemInput", {
  description:
    "A form item as in a dataset upload (`prompt` or `messages`, and `responses`), plus `answers`: the known " +
    "answers by question name in the item's own terms, as an upload's `gold` (a ranking numbers responses from " +
    "1), of which only the questions named are marked; and an optional `explanation` shown with a wrong answer.",
  example: {
    prompt: "How do I reverse a list in Python?",
    responses: ["Use `reversed(xs)` or `xs[::-1]`.", "Python has no lists."],
    answers: { better: "a" },
    explanation: "B is wrong: Python has lists.",
  },
});

const Eligibility = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("in_progress"), attemptId: z.number().int() }),
    z.object({ kind: z.literal("passed"), expiresAt: dateTime.nullable() }),
    z.object({ kind: z.literal("may_start"), attemptsLeft: z.number().int() }),
    z.object({ kind: z.literal("wait"), until: dateTime, attemptsLeft: z.number().int() }),
    z.object({ kind: z.literal("no_attempts_left") }),
  ])
  .openapi("QualificationEligibility", { description: "Whether (and when) another attempt may start." });

const AttemptItem = z.object({
  id: z.number().int().openapi({ description: "The item's id: key its answers by it." }),
  position: z.number().int(),
  prompt: z.string().optional(),
  messages: z.array(z.object({ role: z.string(), content: z.string() })).optional(),
  responses: z
    .array(z.object({ slot: z.string(), text: z.string() }))
    .openapi({ description: "In the item's own order: slot A is its first response." }),
});

const Started = z.object({
  attempt: z.object({
    id: z.number().int(),
    testId: uuid,
    startedAt: dateTime,
    answered: z.array(z.number().int()).openapi({ description: "Items answered so far (a resumed attempt)." }),
  }),
  test: z.object({
    id: uuid,
    title: z.string(),
    instructions: z.string(),
    questions: z.array(Question),
    passMark: z.number(),
    rewardPerAttempt: baseUnits,
  }),
  items: z.array(AttemptItem).openapi({ description: "Without their known answers." }),
});

const words = z.record(z.string(), z.string()).openapi({ description: "Each marked question's answer in words." });
const Result = z
  .object({
    attemptId: z.number().int(),
    testId: uuid,
    correct: z.number().int(),
    total: z.number().int(),
    passMark: z.number(),
    passed: z.boolean(),
    finishedAt: dateTime,
    expiresAt: dateTime.nullable(),
    answersShown: z.boolean(),
    wrong: z.array(
      z.object({
        itemId: z.number().int(),
        position: z.number().int(),
        yourAnswer: words,
        knownAnswer: words.optional().openapi({ description: "Only when the test shows its answers." }),
        explanation: z.string().nullable().optional(),
      }),
    ),
    next: Eligibility,
    reward: z
      .object({
        amount: baseUnits,
        paid: z.boolean(),
        why: z.string().nullable().openapi({ description: "Why the attempt was not paid; null when paid." }),
      })
      .nullable()
      .openapi({
        description:
          "A paid test's pay for this attempt: a bonus in the labeler's next payout, or unpaid (taken for no project, " +
          "or the project's funds could not cover it); null for an unpaid test.",
      }),
  })
  .openapi("QualificationResult");

const Requirements = z.object({
  tests: z.array(z.object({ id: uuid, title: z.string() })),
  minPriorQuality: z.number().nullable(),
  visibility: z.enum(["public", "private"]).openapi({
    description:
      "`public`: any labeler; `private`: only the invited `labelers`, or holders of a pass of one of the `tests`.",
  }),
  labelers: z.array(z.string()).openapi({ description: "The emails a private project invites (lowercase)." }),
});

/** The shape of endpoints.server.ts's Endpoint that these use (importing it would make a cycle). */
interface QualificationEndpoint {
  method: "get" | "post" | "put";
  path: string;
  tag: string;
  summary: string;
  description?: string;
  caller: { key: "api"; roles: string[] };
  body?: { schema: ZodTypeAny };
  ok: Record<number, { description: string; schema?: ZodTypeAny }>;
  errors: Record<number, string>;
}

export const QUALIFICATION_ENDPOINTS: QualificationEndpoint[] = [
  {
    method: "get",
    path: "/api/v1/qualification-tests",
    tag: "Qualification tests",
    summary: "Your qualification tests",
    caller: { key: "api", roles: ["requester"] },
    ok: { 200: { description: "Newest first.", schema: z.object({ tests: z.array(Test) }) } },
    errors: {},
  },
  {
    method: "post",
    path: "/api/v1/qualification-tests",
    tag: "Qualification tests",
    summary: "Create a qualification test",
    description: "Its items come next (POST …/items). A project requires it through PUT /projects/{id}/qualifications.",
    caller: { key: "api", roles: ["requester"] },
    body: { schema: TestRequest },
    ok: { 201: { description: "Created.", schema: z.object({ test: Test }) } },
    errors: { 400: "`invalid_input`, `details` naming each bad field (questions by their path)." },
  },
  {
    method: "post",
    path: "/api/v1/qualification-tests/{testId}/items",
    tag: "Qualification tests",
    summary: "Add items with known answers",
    description: "All or nothing; at most 200 items per test.",
    caller: { key: "api", roles: ["requester"] },
    body: { schema: z.object({ items: z.array(TestItemInput) }) },
    ok: {
      201: { description: "Added.", schema: z.object({ added: z.number().int(), test: Test }) },
    },
    errors: {
      400: "`invalid_input`: no `items` list.",
      404: NOT_OWN_TEST,
      422: "`invalid_dataset`: nothing was stored; `details` lists the problems by item number (`line`, from 1).",
    },
  },
  {
    method: "post",
    path: "/api/v1/qualification-tests/{testId}/attempts",
    tag: "Qualification tests",
    summary: "Start an attempt (labelers)",
    description:
      "Returns the items without their answers; an unfinished attempt is resumed. `projectId` names the project it " +
      "is taken for (one that requires the test).",
    caller: { key: "api", roles: ["labeler"] },
    body: { schema: z.object({ projectId: uuid.optional() }) },
    ok: { 201: { description: "The attempt and its items.", schema: Started } },
    errors: {
      400: "`not_required`: that project does not require this test.",
      403: "`no_attempts_left`.",
      404: "`not_found`: no such test.",
      409: "`already_qualified` (a valid pass), `retry_later` (the wait after a failure), `test_empty`.",
    },
  },
  {
    method: "post",
    path: "/api/v1/qualification-tests/{testId}/attempts/{attemptId}",
    tag: "Qualification tests",
    summary: "Finish an attempt (labelers)",
    description:
      "Answers by item id, each a form's answers in the item's own order (slot A its first response); an item " +
      "left out counts as wrong. The result lists the items got wrong, with the known answers and explanations " +
      "only when the test shows them.",
    caller: { key: "api", roles: ["labeler"] },
    body: {
      schema: FinishAttemptSchema.extend({ answers: z.record(z.string().regex(/^\d+$/), ScreenAnswers) }),
    },
    ok: { 200: { description: "The result.", schema: z.object({ result: Result }) } },
    errors: {
      400: "`invalid_input`; `invalid_answer` naming the item and question.",
      404: "`not_found`: no such attempt of yours at this test.",
      409: "`already_finished`.",
    },
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/qualifications",
    tag: "Projects",
    summary: "Who may label a project",
    caller: { key: "api", roles: ["requester"] },
    ok: { 200: { description: "The tests it requires and the minimum prior quality.", schema: Requirements } },
    errors: { 404: "`not_found`: no such project among yours." },
  },
  {
    method: "put",
    path: "/api/v1/projects/{projectId}/qualifications",
    tag: "Projects",
    summary: "Set who may label a project",
    description:
      "Labelers are leased its tasks only while they hold a valid pass of every test named (your own tests only), " +
      "and, with `minPriorQuality`, a mean quality score at least that on your other projects where they have one " +
      "(`403 not_qualified` otherwise, naming what is missing). A `private` project is listed and leased only to " +
      "the `labelers` invited by email (they may sign up later) and to holders of a pass of one of its tests; " +
      "`visibility` and `labelers` stay as they are when left out.",
    caller: { key: "api", roles: ["requester"] },
    body: {
      schema: ProjectQualificationsSchema.extend({
        minPriorQuality: z.number().min(0).max(1).nullable().optional(),
      }),
    },
    ok: { 200: { description: "As set.", schema: Requirements } },
    errors: { 400: "`invalid_input`.", 404: "`not_found`: no such project, or a test, among yours." },
  },
];
