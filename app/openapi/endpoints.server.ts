import type { OpenAPIRegistry, RouteConfig } from "@asteasolutions/zod-to-openapi";
import type { ZodTypeAny } from "zod";
import { creditReasonEnum } from "../../db/schema/credits.ts";
import { generationStatusEnum } from "../../db/schema/generation.ts";
import { modelStatusEnum } from "../../db/schema/models.ts";
import { limits } from "../utils/amount-limits.server.ts";
import {
  AuditLogQuerySchema,
  ChatSchema,
  DepositCompleteSchema,
  depositStartSchema,
  GenerationSchema,
  JudgeSchema,
  RedemptionStartSchema,
  ScoreSchema,
  WalletChallengeSchema,
  WalletLinkSchema,
} from "../utils/schemas.ts";
import {
  Credits,
  ErrorBody,
  FieldProblem,
  Funds,
  LabelAnswer,
  LineProblem,
  PreferenceAnswer,
  PremiumErrorBody,
  Progress,
  Project,
  RankingAnswer,
  RatingAnswer,
  TaskView,
  TextAnswer,
} from "./components.server.ts";
import { ExportQuery, ModelsRequest, NewProject, ProjectSettings, TaskRequest } from "./requests.server.ts";
import { z } from "./zod.server.ts";
import { QUALIFICATION_ENDPOINTS, QUALIFICATION_PATH_PARAMS } from "./qualifications.server.ts";
import { REVIEW_ENDPOINTS, REVIEW_PATH_PARAMS } from "./reviews.server.ts";
import { BONUS_ENDPOINTS } from "./bonuses.server.ts";

/** Who may call: an API key (scope `api`) of one of `roles`, a premium key (scope `premium`), or anyone. */
type Caller = { key: "api"; roles: string[] } | { key: "premium" } | { key: "none" };

interface Endpoint {
  method: "get" | "post" | "put" | "patch";
  /** The path as the router serves it, `{name}` for a path parameter. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  caller: Caller;
  query?: z.AnyZodObject;
  /** A JSON body unless `contentTypes` says otherwise. */
  body?: { schema: ZodTypeAny; contentTypes?: string[] };
  /** Successful answers by status. */
  ok: Record<number, { description: string; schema?: ZodTypeAny; contentType?: string }>;
  /** Error answers by status, each with the codes it carries. */
  errors: Record<number, string>;
}

const uuid = z.string().uuid();
const dateTime = z.string().datetime();
const amount = z.string().regex(/^\d+$/);

const projectId = z.object({ projectId: uuid.openapi({ description: "The project's id." }) });
const orderId = z.object({ orderId: uuid.openapi({ description: "The order's id." }) });
const modelId = z.object({
  modelId: uuid.openapi({ description: "A published reward model's id (GET /api/v1/models)." }),
});
const epoch = z.object({
  epoch: z
    .string()
    .openapi({ description: "A UTC day like 2026-11-23, or `refund-<project id>`.", example: "2026-11-23" }),
});

const PATH_PARAMS: Record<string, z.AnyZodObject> = {
  "{projectId}": projectId,
  "{orderId}": orderId,
  "{modelId}": modelId,
  "{epoch}": epoch,
  ...QUALIFICATION_PATH_PARAMS,
  ...REVIEW_PATH_PARAMS,
};

const INVALID = "Invalid input: `invalid_input` (or `invalid_json`), `details` naming each bad field.";
const NOT_OWNED =
  "`not_found`: no such project among yours or your team's (another's project is a 404 too); a team member whose " +
  "role does not allow the call gets `403 forbidden_role`.";
const LIMITED = "`rate_limited`, with a `Retry-After` header (seconds).";

const Order = z.object({ id: uuid, amount, credits: amount, mode: z.enum(["burn", "transfer"]), expiresAt: dateTime });
const DepositOrder = z.object({
  id: uuid,
  projectId: uuid,
  address: z.string().openapi({ description: "The linked wallet that signs the deposit." }),
  amount,
  status: z.enum(["pending", "funded"]),
  expiresAt: dateTime,
});
const transaction = z.string().openapi({ description: "The transaction for the wallet to sign, base64." });
const ModelVersion = z.object({
  id: uuid,
  version: z.number().int(),
  status: z.enum(modelStatusEnum.enumValues),
  pairs: z.number().int().nullable(),
  error: z.string().nullable(),
  published: z.boolean(),
  heldOutAccuracy: z.number().nullable(),
  lengthBaseline: z.number().nullable().openapi({ description: "Held-out accuracy of “the longer response wins”." }),
  weak: z.boolean().openapi({
    description: "Trained but unmeasured or below `lengthBaseline`: publishing it needs `confirmWeak`.",
  }),
  bestEpoch: z
    .number()
    .int()
    .nullable()
    .openapi({ description: "The epoch whose weights the version kept (lowest held-out loss)." }),
  progress: z
    .object({
      epoch: z.number().optional(),
      epochs: z.number().optional(),
      step: z.number().optional(),
      steps: z.number().optional(),
      curve: z
        .array(
          z.object({
            epoch: z.number(),
            loss: z.number(),
            valLoss: z.number().nullable(),
            valAccuracy: z.number().nullable(),
          }),
        )
        .optional(),
    })
    .nullable(),
  createdAt: dateTime,
});
const Generation = z.object({
  id: uuid,
  status: z.enum(generationStatusEnum.enumValues),
  models: z.array(z.string()),
  n: z.number().int(),
  temperature: z.number(),
  itemsTotal: z.number().int(),
  itemsDone: z.number().int(),
  itemsFailed: z.number().int(),
  error: z.string().nullable(),
  errors: z
    .array(z.object({ item: z.string(), message: z.string(), attempts: z.number().int() }))
    .openapi({ description: "The first failed items (`itemsFailed` counts them all)." }),
  createdAt: dateTime,
  startedAt: dateTime.nullable(),
  finishedAt: dateTime.nullable(),
});
const GoldReport = z.object({
  projectId: uuid,
  verified: z.boolean().openapi({ description: "Every commitment listed is on chain and checks out." }),
  status: z.enum(["verified", "mismatch", "unchecked", "pending", "none"]),
  commitments: z.array(
    z.object({
      uploadId: uuid,
      commitment: z.string(),
      items: z.number().int(),
      signature: z.string().nullable(),
      explorerUrl: z.string().nullable(),
      createdAt: dateTime,
      committedAt: dateTime.nullable(),
      revealedAt: dateTime.nullable(),
      canonical: z.string().openapi({ description: "The exact text hashed." }),
      gold: z.array(z.tuple([z.string(), z.unknown()])).openapi({ description: "`[item id, gold answer]` pairs." }),
      salt: z.string(),
      status: z.enum(["verified", "mismatch", "unchecked", "pending"]),
      problems: z.array(z.string()),
    }),
  ),
});
const CompleteOrder = DepositCompleteSchema.openapi("CompleteOrder", {
  description: "Deposits and redemptions are completed alike: with the signed transaction, or a signature.",
  anyOf: [{ required: ["signedTransaction"] }, { required: ["signature"] }],
  example: { signedTransaction: "AQAB…" },
});
const ScoreRequest = ScoreSchema.openapi("ScoreRequest", {
  example: { prompt: "Explain DNS", responses: ["DNS maps names to addresses…", "idk"] },
});
const depositStart = depositStartSchema(limits.deposit);
const DepositRequest = depositStart
  .extend({
    // More than 0: at least one digit that is not a zero.
    amount: depositStart.shape.amount.openapi({
      pattern: "^(?=\\d{1,19}$)\\d*[1-9]\\d*$",
      description: `Base units, more than 0 and at most ${limits.deposit}.`,
    }),
  })
  .openapi("DepositRequest", { example: { amount: "5000000" } });
const withCredits = <T extends z.ZodRawShape>(shape: T) => z.object({ ...shape, credits: Credits });

const EXPORTS =
  "Streamed JSON Lines, one record a line, page by page from the database. Kinds: `preferences` (TRL " +
  '`{"id","prompt","chosen","rejected","confidence",…}`; `pairs=all|best` for a ranking), `ratings` (a form\'s ' +
  "rated responses), `sft` (chat `messages` from rewrites; `best=1` adds the consensus best responses, `question` " +
  "names the text questions), `consensus` (every item's consensus, confidence and gold) and `raw` (every answer, " +
  "the labeler named by a per-project pseudonym). Consensus is brought up to date first.";

const upload: Endpoint = {
  method: "post",
  path: "/api/v1/projects/{projectId}/items",
  tag: "Datasets and exports",
  summary: "Upload a dataset",
  description:
    "The body is the JSONL or CSV file itself (the format from `filename`, an `X-Filename` header or the " +
    "Content-Type). Validated while it streams in and stored all-or-nothing in one transaction; re-uploading " +
    "adds nothing twice.",
  caller: { key: "api", roles: ["requester"] },
  query: z.object({
    filename: z.string().optional().openapi({ description: "`data.jsonl`, `data.csv`…", example: "pairs.jsonl" }),
  }),
  body: { schema: z.string().openapi({ format: "binary" }), contentTypes: ["application/x-ndjson", "text/csv"] },
  ok: {
    201: {
      description: "Stored.",
      schema: z.object({
        upload: z.object({
          uploadId: uuid,
          rows: z.number().int(),
          inserted: z.number().int(),
          duplicates: z.number().int(),
          sha256: z.string(),
        }),
      }),
    },
  },
  errors: {
    400: "`bad_content_type` (a multipart form), `empty`, `bad_filename`.",
    404: NOT_OWNED,
    413: "`too_large`: over `MAX_UPLOAD_BYTES`.",
    415: "`unsupported_format`: neither JSONL nor CSV.",
    422: "`invalid_dataset`: nothing was stored; `details` lists up to 20 problems with their line (and column).",
    429: "`too_many_uploads`, with `Retry-After`.",
  },
};

export const ENDPOINTS: Endpoint[] = [
  {
    method: "get",
    path: "/api/v1/projects",
    tag: "Projects",
    summary: "Your projects",
    caller: { key: "api", roles: ["requester"] },
    ok: { 200: { description: "The projects you own.", schema: z.object({ projects: z.array(Project) }) } },
    errors: {},
  },
  {
    method: "post",
    path: "/api/v1/projects",
    tag: "Projects",
    summary: "Create a project",
    description:
      "A fixed shape (`taskType` pairwise, rating or label) or a form of `questions`. Items are uploaded next; " +
      "labelers are served work once the project is funded (deposits).",
    caller: { key: "api", roles: ["requester"] },
    body: { schema: NewProject },
    ok: { 201: { description: "Created.", schema: z.object({ project: Project }) } },
    errors: { 400: "`invalid_project`: `details` names each bad field, e.g. `questions.1.max`." },
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}",
    tag: "Projects",
    summary: "A project with its funds and progress",
    caller: { key: "api", roles: ["requester"] },
    ok: {
      200: {
        description: "The project, its funds and its progress.",
        schema: z.object({ project: Project.merge(Funds), progress: Progress }),
      },
    },
    errors: { 404: NOT_OWNED },
  },
  {
    method: "patch",
    path: "/api/v1/projects/{projectId}",
    tag: "Projects",
    summary: "Change a project's settings",
    description:
      "`approvalDelayHours`: how long answers nobody reviews wait before they are approved (0 approves at once; at " +
      "most 720, 30 days). Answers already approved stay approved; those still waiting get the new delay. Owners and " +
      "co-owners only; written to the audit log.",
    caller: { key: "api", roles: ["requester"] },
    body: { schema: ProjectSettings },
    ok: { 200: { description: "The project as it is now.", schema: z.object({ project: Project }) } },
    errors: { 400: `${INVALID} E.g. \`approvalDelayHours\` negative or above 720.`, 404: NOT_OWNED },
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/progress",
    tag: "Projects",
    summary: "A project's progress",
    caller: { key: "api", roles: ["requester"] },
    ok: { 200: { description: "Counts of items and answers.", schema: z.object({ progress: Progress }) } },
    errors: { 404: NOT_OWNED },
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/audit-log",
    tag: "Projects",
    summary: "A project's audit log",
    description:
      "Who did what, latest first: uploads, settings, models, exports, funds, closing and team changes (those of all " +
      "the owner's projects included). Any team role may read it; the owner sees actors' emails, members names only.",
    caller: { key: "api", roles: ["requester"] },
    query: AuditLogQuerySchema,
    ok: {
      200: {
        description: "A page of entries; `next` is the `before` of the next page (null at the end).",
        schema: z.object({
          entries: z.array(
            z.object({
              id: z.number().int(),
              actor: z.string(),
              action: z.string().openapi({ example: "items.uploaded" }),
              what: z.string(),
              details: z.string(),
              allProjects: z.boolean(),
              at: dateTime,
            }),
          ),
          next: z.number().int().nullable(),
        }),
      },
    },
    errors: { 400: "`invalid_input`: limit or before out of range.", 404: NOT_OWNED },
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/close",
    tag: "Projects",
    summary: "Close a project",
    description: "Its unspent funds are refunded to your wallet once every answer is planned for payment.",
    caller: { key: "api", roles: ["requester"] },
    ok: {
      200: {
        description: "`closed` is false when it was closed already.",
        schema: z.object({ project: Project, closed: z.boolean() }),
      },
    },
    errors: { 404: NOT_OWNED },
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/gold",
    tag: "Projects",
    summary: "The gold commitments, checked against the chain",
    description:
      "One commitment per upload with gold, with its salt and list, each checked: `verified`, `mismatch`, " +
      "`unchecked` (the chain cannot be read) or `pending` (not on chain yet). The owner and their team see them at " +
      "any time, a labeler who worked on the project once they are revealed.",
    caller: { key: "api", roles: ["requester", "labeler"] },
    ok: { 200: { description: "The commitments.", schema: GoldReport } },
    errors: { 403: "`not_revealed`: a labeler before the reveal.", 404: "`not_found`: anyone else." },
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/generations",
    tag: "Projects",
    summary: "Response generations of a form project",
    caller: { key: "api", roles: ["requester"] },
    ok: {
      200: {
        description: "The generations with their progress and failed items, and how many items wait for responses.",
        schema: z.object({
          upstream: z
            .object({ defaultModel: z.string() })
            .nullable()
            .openapi({ description: "Null: none configured." }),
          awaitingItems: z.number().int(),
          responses: z
            .object({ min: z.number().int(), max: z.number().int() })
            .nullable()
            .openapi({ description: "How many responses per item the form takes (null: not a form)." }),
          generations: z.array(Generation),
        }),
      },
    },
    errors: { 404: NOT_OWNED },
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/generations",
    tag: "Projects",
    summary: "Generate responses for the waiting items",
    description:
      "Queues `n` responses per waiting item from the configured OpenAI-compatible upstream, the `models` taking " +
      "turns (default: the configured model).",
    caller: { key: "api", roles: ["requester"] },
    body: { schema: GenerationSchema.openapi("GenerationRequest", { example: { models: ["small", "large"], n: 2 } }) },
    ok: { 202: { description: "Queued.", schema: z.object({ generation: Generation }) } },
    errors: {
      400: INVALID,
      404: NOT_OWNED,
      409: "`project_closed`, `not_a_form`, or a generation is already running.",
      503: "`no_upstream`: no upstream LLM is configured (`LLM_UPSTREAM_URL`).",
    },
  },
  upload,
  { ...upload, method: "put", summary: "Upload a dataset (as POST does)" },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/export",
    tag: "Datasets and exports",
    summary: "Export results",
    description: EXPORTS,
    caller: { key: "api", roles: ["requester"] },
    query: ExportQuery,
    ok: {
      200: {
        description: "JSON Lines.",
        contentType: "application/x-ndjson",
        schema: z.string().openapi({ description: "One JSON object a line." }),
      },
    },
    errors: {
      400: "`invalid_kind` (a kind this project cannot give) or `invalid_parameter` (a parameter of another kind).",
      404: NOT_OWNED,
    },
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/tasks",
    tag: "Labeling",
    summary: "Lease, answer, skip or flag a task",
    description:
      "`{}` leases the next task. An action (answer, skip, or flag with a reason) is stored and the next task " +
      "leased in the same round trip: `accepted: true`, and when no next task can be leased (out of funds, " +
      "closed, paused) `stopped` says why — the action was stored all the same. Answers are in on-screen terms: " +
      "`left`/`right` for pairs, response slots for forms; the server maps them back to the item's order.",
    caller: { key: "api", roles: ["labeler"] },
    body: { schema: TaskRequest },
    ok: {
      200: {
        description: "The next task, or null when there is none for you now.",
        schema: z
          .object({
            accepted: z.literal(true).optional().openapi({ description: "After an action: it was stored." }),
            // Not .nullable(): on a named schema the generator would make the reference itself nullable.
            task: z.union([TaskView, z.null()]),
            stopped: z.object({ code: z.string(), message: z.string() }).optional(),
          })
          .openapi("TaskResponse"),
      },
    },
    errors: {
      400: "`invalid_answer`: the answer does not fit the task (the message names the question and what it expects).",
      403: "`labeler_paused` or `paused_on_project` (quality below the project's threshold).",
      404: "`not_found`: no such project, or no such assignment of yours.",
      409: "`project_paused`, `project_closed`, `out_of_funds`, `lease_expired`, `already_finished`.",
      429: LIMITED,
    },
  },
  {
    method: "get",
    path: "/api/v1/projects/{projectId}/models",
    tag: "Reward models",
    summary: "A project's reward model versions",
    caller: { key: "api", roles: ["requester"] },
    ok: {
      200: {
        description: "The versions with metrics and training progress, and the published model's agreement series.",
        schema: z.object({
          models: z.array(ModelVersion),
          agreement: z.array(z.object({ at: dateTime, agreement: z.number(), items: z.number().int() })),
        }),
      },
    },
    errors: { 404: NOT_OWNED },
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/models",
    tag: "Reward models",
    summary: "Train or publish a reward model",
    description: '`{}` queues training of a new version on the consensus preferences; `{"publish"}` publishes one.',
    caller: { key: "api", roles: ["requester"] },
    body: { schema: ModelsRequest },
    ok: {
      200: { description: "Published.", schema: z.object({ published: uuid }) },
      202: { description: "Training queued.", schema: z.object({ model: ModelVersion }) },
    },
    errors: {
      400:
        "`not_pairwise` (the project yields no preferences), `not_enough_pairs` (too few decided items to train), or " +
        "a bad `publish`.",
      404: NOT_OWNED,
      409: "`below_baseline`: the version scored below the baseline on held-out pairs; send `confirmWeak: true`.",
    },
  },
  {
    method: "post",
    path: "/api/v1/projects/{projectId}/deposits",
    tag: "Funds and wallet",
    summary: "Start a deposit",
    caller: { key: "api", roles: ["requester"] },
    body: { schema: DepositRequest },
    ok: {
      201: { description: "The order and its transaction.", schema: z.object({ order: DepositOrder, transaction }) },
    },
    errors: { 400: INVALID, 404: NOT_OWNED, 409: "`no_wallet`: link a wallet first.", 429: LIMITED },
  },
  {
    method: "post",
    path: "/api/v1/deposits/{orderId}",
    tag: "Funds and wallet",
    summary: "Complete a deposit",
    description: "With the wallet-signed transaction, or the signature of one the wallet sent itself.",
    caller: { key: "api", roles: ["requester"] },
    body: { schema: CompleteOrder },
    ok: {
      200: {
        description: "Verified on chain and credited to the project.",
        schema: z.object({ signature: z.string(), funded: amount, remaining: amount }),
      },
    },
    errors: {
      400: INVALID,
      404: "`not_found`: no such order of yours.",
      409: "`signature_reused`, `order_done`, `order_expired`, `insufficient_tokens` (spent since the order was issued).",
      422: "The transaction does not do what the order says: `wrong_mint`, `wrong_amount`, `wrong_authority`, `memo_mismatch`, `signature_invalid`, …",
      429: LIMITED,
    },
  },
  {
    method: "post",
    path: "/api/v1/wallet/challenge",
    tag: "Funds and wallet",
    summary: "A Sign-In-With-Solana message to sign",
    description: "Single use, valid for five minutes.",
    caller: { key: "api", roles: ["labeler", "requester"] },
    body: { schema: WalletChallengeSchema },
    ok: {
      200: {
        description: "The message for the wallet to sign.",
        schema: z.object({ message: z.string(), nonce: z.string(), expiresAt: dateTime }),
      },
    },
    errors: { 400: INVALID, 429: LIMITED },
  },
  {
    method: "get",
    path: "/api/v1/wallet",
    tag: "Funds and wallet",
    summary: "Your linked wallet",
    caller: { key: "api", roles: ["labeler", "requester"] },
    ok: { 200: { description: "Its address (null: none).", schema: z.object({ address: z.string().nullable() }) } },
    errors: {},
  },
  {
    method: "post",
    path: "/api/v1/wallet",
    tag: "Funds and wallet",
    summary: "Link (or change) your payout wallet",
    description: "With the signature (base58) of a challenge's message.",
    caller: { key: "api", roles: ["labeler", "requester"] },
    body: { schema: WalletLinkSchema },
    ok: { 200: { description: "Linked.", schema: z.object({ address: z.string() }) } },
    errors: {
      400: `${INVALID} A signature that does not check out: \`siws_…\` naming why.`,
      409: "`wallet_taken`: linked to another account.",
      429: LIMITED,
    },
  },
  {
    method: "post",
    path: "/api/v1/redemptions",
    tag: "Credits and payouts",
    summary: "Start a redemption of tokens for credits",
    caller: { key: "api", roles: ["labeler", "requester"] },
    body: {
      schema: RedemptionStartSchema.openapi("RedemptionRequest", { example: { amount: "1000000", mode: "burn" } }),
    },
    ok: { 201: { description: "The order and its transaction.", schema: z.object({ order: Order, transaction }) } },
    errors: {
      400: INVALID,
      409: "`no_wallet`: link a wallet first; `insufficient_tokens`: the wallet holds less than `amount` (nothing is done).",
      429: LIMITED,
    },
  },
  {
    method: "post",
    path: "/api/v1/redemptions/{orderId}",
    tag: "Credits and payouts",
    summary: "Complete a redemption",
    description: "With the wallet-signed transaction, or the signature of one the wallet sent itself.",
    caller: { key: "api", roles: ["labeler", "requester"] },
    body: { schema: CompleteOrder },
    ok: {
      200: {
        description: "Verified on chain; the credits are on your balance.",
        schema: z.object({ signature: z.string(), credits: amount, balance: amount }),
      },
    },
    errors: {
      400: INVALID,
      404: "`not_found`: no such order of yours.",
      409: "`signature_reused`, `order_done`, `order_expired`, `insufficient_tokens` (spent since the order was issued).",
      422: "`wrong_mint`, `wrong_amount`, `wrong_authority`, `memo_mismatch`, `not_found`, `signature_invalid`, …",
      429: LIMITED,
    },
  },
  {
    method: "get",
    path: "/api/v1/credits",
    tag: "Credits and payouts",
    summary: "Your credit balance and ledger",
    caller: { key: "api", roles: ["labeler", "requester"] },
    ok: {
      200: {
        description: "The balance and the latest 50 ledger entries, newest first.",
        schema: z.object({
          balance: amount,
          ledger: z.array(
            z.object({
              delta: z.string().regex(/^-?\d+$/),
              reason: z.enum(creditReasonEnum.enumValues),
              ref: z.string(),
              at: dateTime,
            }),
          ),
        }),
      },
    },
    errors: {},
  },
  {
    method: "get",
    path: "/api/v1/payouts/{epoch}/proof",
    tag: "Credits and payouts",
    summary: "Your payout of an epoch with its Merkle proof",
    description:
      "Rebuilt from the root's ledger rows and checked against the stored root (see reward/tokens/payouts/MERKLE.md).",
    caller: { key: "api", roles: ["labeler", "requester"] },
    ok: {
      200: {
        description: "The leaf, the proof and the root posted on chain.",
        schema: z.object({
          epoch: z.string(),
          wallet: z.string(),
          amount,
          leaf: z.string(),
          proof: z.array(z.string()).openapi({ description: "Sibling hashes, hex, leaf to root." }),
          index: z.number().int(),
          count: z.number().int(),
          root: z.string(),
          rootSignature: z.string().nullable(),
        }),
      },
    },
    errors: {
      400: "`invalid_epoch`.",
      404: "`not_found`: no payout of yours in the epoch, or its root is not finalized on chain yet.",
    },
  },
  {
    method: "get",
    path: "/api/v1/models",
    tag: "Premium",
    summary: "Published reward models",
    description: "Free.",
    caller: { key: "premium" },
    ok: {
      200: {
        description: "The models premium calls can use.",
        schema: withCredits({
          models: z.array(
            z.object({
              id: uuid,
              project: z.string().openapi({ description: "The title of the project it was trained on." }),
              version: z.number().int(),
              heldOutAccuracy: z.number().nullable(),
            }),
          ),
        }),
      },
    },
    errors: {},
  },
  {
    method: "post",
    path: "/api/v1/models/{modelId}/score",
    tag: "Premium",
    summary: "Score responses",
    description: "One credit per response.",
    caller: { key: "premium" },
    body: { schema: ScoreRequest },
    ok: {
      200: {
        description: "A reward per response, in order.",
        schema: withCredits({ model: uuid, rewards: z.array(z.number()) }),
      },
    },
    errors: { 400: INVALID, 402: "`insufficient_credits`.", 404: "`not_found`: no published model with this id." },
  },
  {
    method: "post",
    path: "/api/v1/models/{modelId}/rank",
    tag: "Premium",
    summary: "Rank responses",
    description: "One credit per response.",
    caller: { key: "premium" },
    body: { schema: ScoreRequest },
    ok: {
      200: {
        description: "The responses best first, with their rewards.",
        schema: withCredits({
          model: uuid,
          ranking: z.array(z.object({ index: z.number().int(), reward: z.number(), response: z.string() })),
        }),
      },
    },
    errors: { 400: INVALID, 402: "`insufficient_credits`.", 404: "`not_found`: no published model with this id." },
  },
  {
    method: "post",
    path: "/api/v1/models/{modelId}/judge",
    tag: "Premium",
    summary: "Judge two responses",
    description: "Two credits.",
    caller: { key: "premium" },
    body: { schema: JudgeSchema.openapi("JudgeRequest", { example: { prompt: "Explain DNS", a: "…", b: "…" } }) },
    ok: {
      200: {
        description: "The probability that `a` is the better response.",
        schema: withCredits({ model: uuid, probability: z.number().min(0).max(1) }),
      },
    },
    errors: { 400: INVALID, 402: "`insufficient_credits`.", 404: "`not_found`: no published model with this id." },
  },
  {
    method: "post",
    path: "/api/v1/chat/completions",
    tag: "Premium",
    summary: "Chat completion, best of n",
    description:
      "OpenAI-style: samples `n` candidates from the configured upstream LLM and returns the one the reward model " +
      "`model` ranks highest. Five credits per candidate.",
    caller: { key: "premium" },
    body: {
      schema: ChatSchema.openapi("ChatRequest", {
        example: { model: "7d0c…", messages: [{ role: "user", content: "Explain DNS" }], n: 4 },
      }),
    },
    ok: {
      200: {
        description: "The chosen candidate, and every candidate's reward.",
        schema: withCredits({
          id: z.string(),
          object: z.literal("chat.completion"),
          created: z.number().int(),
          model: uuid,
          choices: z.array(
            z.object({
              index: z.number().int(),
              message: z.object({ role: z.literal("assistant"), content: z.string() }),
              finish_reason: z.string(),
            }),
          ),
          best_of_n: z.object({ n: z.number().int(), chosen: z.number().int(), rewards: z.array(z.number()) }),
        }),
      },
    },
    errors: {
      400: INVALID,
      402: "`insufficient_credits`.",
      404: "`not_found`: no published model with this id.",
      502: "The upstream LLM failed (`upstream_unreachable`, `upstream_error`); refunded.",
      503: "`no_upstream`: none is configured (`LLM_UPSTREAM_URL`); refunded.",
    },
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    tag: "Reference",
    summary: "This document",
    description: "The API as OpenAPI 3.1, generated from the schemas the server validates with. No key needed.",
    caller: { key: "none" },
    ok: { 200: { description: "The OpenAPI document." } },
    errors: {},
  },
  ...QUALIFICATION_ENDPOINTS,
  ...REVIEW_ENDPOINTS,
  ...BONUS_ENDPOINTS,
];

const CALLER_ERRORS: Record<Caller["key"], Record<number, string>> = {
  api: {
    401: "`unauthorized`: no, unknown or revoked API key.",
    403: "`forbidden`: the endpoint is for another role.",
  },
  premium: {
    401: "`unauthorized`: no, unknown or revoked premium key (API keys are not premium keys).",
    403: "`account_paused`, with the reason.",
  },
  none: {},
};

function errorResponses(endpoint: Endpoint) {
  const premium = endpoint.caller.key === "premium";
  const all: Record<number, string> = { ...CALLER_ERRORS[endpoint.caller.key] };
  for (const [status, description] of Object.entries(endpoint.errors))
    all[Number(status)] = all[Number(status)] ? `${all[Number(status)]} ${description}` : description;
  if (endpoint.body && !endpoint.body.contentTypes) all[413] = "`body_too_large`: over `MAX_JSON_BODY_BYTES`.";
  return Object.fromEntries(
    Object.entries(all).map(([status, description]) => {
      // 401 and 403 come before the account is known: they carry no credits.
      const schema =
        premium && Number(status) >= 400 && !["401", "403"].includes(status) ? PremiumErrorBody : ErrorBody;
      return [status, { description, content: { "application/json": { schema } } }];
    }),
  );
}

const SECURITY: Record<Caller["key"], RouteConfig["security"]> = {
  api: [{ apiKey: [] }],
  premium: [{ premiumKey: [] }],
  none: [],
};

export function registerEndpoints(registry: OpenAPIRegistry) {
  registry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key (scope `api`), created under *API keys*: `Authorization: Bearer <key>`.",
  });
  registry.registerComponent("securitySchemes", "premiumKey", {
    type: "http",
    scheme: "bearer",
    description: "A premium key (scope `premium`), created under *API keys*; metered in credits.",
  });
  // Named in the document though other schemas inline them (the generator flattens unions of unions).
  for (const [name, schema] of Object.entries({
    FieldProblem,
    LineProblem,
    PreferenceAnswer,
    RankingAnswer,
    RatingAnswer,
    LabelAnswer,
    TextAnswer,
  }))
    registry.register(name, schema);
  for (const endpoint of ENDPOINTS) {
    const pathParams = Object.entries(PATH_PARAMS).filter(([name]) => endpoint.path.includes(name));
    const params = pathParams.reduce<z.AnyZodObject>((all, [, schema]) => all.merge(schema), z.object({}));
    const body = endpoint.body;
    registry.registerPath({
      method: endpoint.method,
      path: endpoint.path,
      tags: [endpoint.tag],
      summary: endpoint.summary,
      description: endpoint.description,
      security: SECURITY[endpoint.caller.key],
      ...(endpoint.caller.key === "api" ? { "x-roles": endpoint.caller.roles } : {}),
      request: {
        ...(pathParams.length ? { params } : {}),
        ...(endpoint.query ? { query: endpoint.query } : {}),
        ...(body
          ? {
              body: {
                required: true,
                content: Object.fromEntries(
                  (body.contentTypes ?? ["application/json"]).map((type) => [type, { schema: body.schema }]),
                ),
              },
            }
          : {}),
      },
      responses: {
        ...Object.fromEntries(
          Object.entries(endpoint.ok).map(([status, r]) => [
            status,
            {
              description: r.description,
              ...(r.schema ? { content: { [r.contentType ?? "application/json"]: { schema: r.schema } } } : {}),
            },
          ]),
        ),
        ...errorResponses(endpoint),
      },
    });
  }
}
