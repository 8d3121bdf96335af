// Responses generated for the requester: a form project's items uploaded without responses get n of them from the
// upstream LLM, spread over the requested models, in a background job that survives crashes (db/schema/generation.ts).
import { setTimeout as sleep } from "node:timers/promises";
import type { Env } from "../config/env.ts";
import type { Db } from "../db/client.ts";
import {
  beginGeneration,
  countAwaitingItems,
  fillItemResponses,
  finishGeneration,
  getAwaitingItem,
  getGeneration,
  insertGeneration,
  listItemsToGenerate,
  recordItemFailure,
  type Generation,
  type GenerationCounts,
} from "../db/queries/generation.ts";
import type { FormContent, FormResponse, Message } from "../db/schema/index.ts";
import { queueResponseGeneration } from "./queue.ts";
import {
  NO_UPSTREAM,
  requestCompletions,
  sampleCompletions,
  upstreamConfig,
  UpstreamError,
  type UpstreamConfig,
} from "./upstream-llm.ts";

export interface GenerationOptions {
  /** Upstream requests per response batch before its item is given up on (429, 5xx and timeouts are retried). */
  attempts: number;
  /** The first wait before a retry; it doubles with each one, up to maxRetryMs (or longer if Retry-After says so). */
  retryBaseMs: number;
  maxRetryMs: number;
  timeoutMs: number;
  /** Items generated at once. */
  concurrency: number;
}

const DEFAULTS: GenerationOptions = {
  attempts: 4,
  retryBaseMs: 1_000,
  maxRetryMs: 30_000,
  timeoutMs: 120_000,
  concurrency: 4,
};

interface GenerationContext {
  db: Db;
  progress(progress: Record<string, unknown>): Promise<void>;
}

/** Queues a generation of `n` responses for each of the project's items awaiting them. */
export async function startGeneration(
  db: Db,
  params: { projectId: string; models: string[]; n: number; temperature: number },
): Promise<Generation> {
  const itemsTotal = await countAwaitingItems(db, params.projectId);
  return insertGeneration(db, { ...params, itemsTotal }, (tx, generation) =>
    queueResponseGeneration(tx, generation.id),
  );
}

/** The model that writes each of the n responses: the models take turns. */
export function modelTurns(models: readonly string[], n: number): string[] {
  return Array.from({ length: n }, (_, i) => models[i % models.length]);
}

/** What the upstream is asked to continue: the item's conversation, or its prompt as one user message. */
export function chatMessages(content: FormContent): Message[] {
  return content.messages?.length ? content.messages : [{ role: "user", content: content.prompt ?? "" }];
}

/** An item given up on: why, and after how many requests. */
class ItemFailure extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}

async function withRetries<T>(model: string, work: () => Promise<T>, options: GenerationOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      if (!error.retryable || attempt >= options.attempts) {
        const detail = error.detail ? ` (${error.detail})` : "";
        throw new ItemFailure(`${model}: ${error.message}${detail}`, attempt);
      }
      const backoff = options.retryBaseMs * 2 ** (attempt - 1);
      await sleep(Math.min(Math.max(backoff, error.retryAfterMs ?? 0), options.maxRetryMs));
    }
  }
}

async function generateResponses(
  config: UpstreamConfig,
  generation: Generation,
  content: FormContent,
  options: GenerationOptions,
): Promise<FormResponse[]> {
  const turns = modelTurns(generation.models, generation.n);
  const messages = chatMessages(content);
  const texts = new Map<string, string[]>();
  for (const model of new Set(turns)) {
    const request = {
      model,
      messages,
      n: turns.filter((m) => m === model).length,
      temperature: generation.temperature,
      timeoutMs: options.timeoutMs,
    };
    texts.set(
      model,
      await sampleCompletions(config, request, (c, r) => withRetries(model, () => requestCompletions(c, r), options)),
    );
  }
  return turns.map((model) => ({ text: texts.get(model)!.shift()!, model }));
}

/** Fills one item, or records why it could not be; null when it was no longer waiting. */
async function generateItem(
  db: Db,
  config: UpstreamConfig,
  generation: Generation,
  itemId: number,
  options: GenerationOptions,
): Promise<GenerationCounts | null> {
  const content = await getAwaitingItem(db, itemId);
  if (!content) return null;
  const ids = { generationId: generation.id, itemId };
  try {
    return await fillItemResponses(db, {
      ...ids,
      responses: await generateResponses(config, generation, content, options),
    });
  } catch (error) {
    if (!(error instanceof ItemFailure)) throw error;
    return recordItemFailure(db, { ...ids, message: error.message, attempts: error.attempts });
  }
}

const summary = (g: Generation | null) =>
  g
    ? {
        generationId: g.id,
        status: g.status,
        itemsTotal: g.itemsTotal,
        itemsDone: g.itemsDone,
        itemsFailed: g.itemsFailed,
      }
    : { skipped: true };

/**
 * Runs (or resumes, after a crash) a generation: each of the project's waiting items gets its responses in one
 * update, or a recorded error once its retries are spent, and the others go on. Items filled already are skipped,
 * so running it again never adds responses twice; a finished generation is left as it is.
 */
export async function runGeneration(
  ctx: GenerationContext,
  config: UpstreamConfig | null,
  generationId: string,
  overrides: Partial<GenerationOptions> = {},
): Promise<Record<string, unknown>> {
  const { db } = ctx;
  const options = { ...DEFAULTS, ...overrides };
  const found = await getGeneration(db, generationId);
  if (!found || found.status === "done" || found.status === "failed") return { skipped: true };
  try {
    if (!config) return summary(await finishGeneration(db, generationId, { status: "failed", error: NO_UPSTREAM }));
    const queue = await listItemsToGenerate(db, found);
    const generation = await beginGeneration(db, generationId, queue.length);
    if (!generation) return { skipped: true };
    const lane = async () => {
      for (let itemId = queue.shift(); itemId !== undefined; itemId = queue.shift()) {
        const counts = await generateItem(db, config, generation, itemId, options).catch((error: unknown) => {
          queue.length = 0; // the other lanes stop too: the generation is failing
          throw error;
        });
        if (counts) await ctx.progress({ ...counts });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, queue.length)) }, lane));
    const ran = (await getGeneration(db, generationId))!;
    await ctx.progress({ itemsTotal: ran.itemsTotal, itemsDone: ran.itemsDone, itemsFailed: ran.itemsFailed });
    const allFailed = ran.itemsDone === 0 && ran.itemsFailed > 0;
    return summary(
      await finishGeneration(
        db,
        generationId,
        allFailed
          ? { status: "failed", error: `No item could be filled (${ran.itemsFailed} failed): see the errors listed` }
          : { status: "done" },
      ),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await finishGeneration(db, generationId, { status: "failed", error: message }).catch(() => {});
    throw error;
  }
}

/** The 'generate-responses' job, on the upstream configured in `env`. */
export function generationJob(env: Env, options: Partial<GenerationOptions> = {}) {
  return (payload: Record<string, unknown>, ctx: GenerationContext) =>
    runGeneration(ctx, upstreamConfig(env), String(payload.generationId), options);
}
