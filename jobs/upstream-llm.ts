// The client of the configured OpenAI-compatible upstream LLM: best-of-n chat (app) and response generation (jobs).
import type { Env } from "../config/env.ts";

export interface UpstreamConfig {
  /** Base URL, e.g. https://api.openai.com/v1 (…/chat/completions is appended). */
  url: string;
  apiKey?: string;
  /** The model asked when a request names none. */
  model: string;
}

export const NO_UPSTREAM = "No upstream LLM is configured (LLM_UPSTREAM_URL)";

export function upstreamConfig(env: Env): UpstreamConfig | null {
  if (!env.LLM_UPSTREAM_URL) return null;
  return {
    url: env.LLM_UPSTREAM_URL.replace(/\/$/, ""),
    apiKey: env.LLM_UPSTREAM_API_KEY,
    model: env.LLM_UPSTREAM_MODEL,
  };
}

export class UpstreamError extends Error {
  override name = "UpstreamError";
  constructor(
    readonly code: "upstream_unreachable" | "upstream_error",
    message: string,
    /** Worth asking again: the upstream was unreachable, slow, busy (429) or failing (5xx). */
    readonly retryable: boolean,
    /** What the upstream said beyond its status (its error message), when that is safe to show. */
    readonly detail?: string,
    /** The wait it asked for (Retry-After), if any. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface CompletionRequest {
  /** Default: the configured model. */
  model?: string;
  messages: { role: string; content: string }[];
  n: number;
  temperature?: number;
  max_tokens?: number;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_DETAIL = 300;

function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** The upstream's own error message from a failed response; never for 401/403, whose messages can quote the key. */
async function errorDetail(response: Response): Promise<string | undefined> {
  if (response.status === 401 || response.status === 403) return "the upstream refused the platform's API key";
  const text = await response.text().catch(() => "");
  let message: unknown = text;
  try {
    message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message ?? text;
  } catch {
    // not JSON: the text itself
  }
  return typeof message === "string" && message.trim() ? message.trim().slice(0, MAX_DETAIL) : undefined;
}

/** One chat-completions call; returns the non-empty replies (as many as the upstream gave, up to n). */
export async function requestCompletions(config: UpstreamConfig, request: CompletionRequest): Promise<string[]> {
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const response = await fetch(`${config.url}/chat/completions`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(config.apiKey ? { Authorization: `Bearer ${config.apiKey}` } : {}),
    },
    body: JSON.stringify({
      model: request.model ?? config.model,
      messages: request.messages,
      n: request.n,
      temperature: request.temperature ?? 1,
      ...(request.max_tokens ? { max_tokens: request.max_tokens } : {}),
    }),
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((error: Error) => {
    const why = error.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : error.message;
    throw new UpstreamError("upstream_unreachable", `The upstream LLM could not be reached: ${why}`, true);
  });
  if (!response.ok) {
    const retryable = response.status === 429 || response.status >= 500;
    throw new UpstreamError(
      "upstream_error",
      `The upstream LLM answered ${response.status}`,
      retryable,
      await errorDetail(response),
      retryAfterMs(response),
    );
  }
  const body = (await response.json().catch(() => null)) as {
    choices?: Array<{ message?: { content?: unknown } }>;
  } | null;
  if (!body) throw new UpstreamError("upstream_error", "The upstream LLM answered with invalid JSON", true);
  const texts = (body.choices ?? [])
    .map((c) => c.message?.content)
    .filter((t): t is string => typeof t === "string" && t.length > 0);
  if (texts.length === 0) throw new UpstreamError("upstream_error", "The upstream LLM returned no candidate", true);
  return texts.slice(0, request.n);
}

/**
 * `n` replies: asks for all n at once and tops up with further calls where an upstream ignores `n`. `call` makes
 * each request (default: requestCompletions, once; response generation passes one that retries).
 */
export async function sampleCompletions(
  config: UpstreamConfig,
  request: CompletionRequest,
  call: (config: UpstreamConfig, request: CompletionRequest) => Promise<string[]> = requestCompletions,
): Promise<string[]> {
  const replies: string[] = [];
  for (let attempt = 0; attempt < request.n && replies.length < request.n; attempt++) {
    replies.push(...(await call(config, { ...request, n: request.n - replies.length })));
  }
  return replies.slice(0, request.n);
}
