import { ApiError } from "./api.server.ts";
import { env } from "../../config/env.ts";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * Samples `n` candidate replies from the configured OpenAI-compatible upstream. Asks for all n at once and tops up
 * with further calls where an upstream ignores `n`.
 */
export async function sampleUpstream(params: {
  messages: ChatMessage[];
  n: number;
  temperature?: number;
  max_tokens?: number;
}): Promise<string[]> {
  if (!env.LLM_UPSTREAM_URL) throw new ApiError(503, "no_upstream", "No upstream LLM is configured (LLM_UPSTREAM_URL)");
  const candidates: string[] = [];
  for (let attempt = 0; attempt < params.n && candidates.length < params.n; attempt++) {
    const response = await fetch(`${env.LLM_UPSTREAM_URL.replace(/\/$/, "")}/chat/completions`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        ...(env.LLM_UPSTREAM_API_KEY ? { Authorization: `Bearer ${env.LLM_UPSTREAM_API_KEY}` } : {}),
      },
      body: JSON.stringify({
        model: env.LLM_UPSTREAM_MODEL,
        messages: params.messages,
        n: params.n - candidates.length,
        temperature: params.temperature ?? 1,
        ...(params.max_tokens ? { max_tokens: params.max_tokens } : {}),
      }),
      signal: AbortSignal.timeout(60_000),
    }).catch((error: Error) => {
      throw new ApiError(502, "upstream_unreachable", `The upstream LLM could not be reached: ${error.message}`);
    });
    if (!response.ok) throw new ApiError(502, "upstream_error", `The upstream LLM answered ${response.status}`);
    const body = (await response.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
    const texts = (body.choices ?? [])
      .map((c) => c.message?.content)
      .filter((t): t is string => typeof t === "string" && t.length > 0);
    if (texts.length === 0) throw new ApiError(502, "upstream_error", "The upstream LLM returned no candidate");
    candidates.push(...texts);
  }
  return candidates.slice(0, params.n);
}
