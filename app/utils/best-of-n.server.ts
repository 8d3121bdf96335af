import { ApiError } from "./api.server.ts";
import { env } from "../../config/env.ts";
import { NO_UPSTREAM, sampleCompletions, upstreamConfig, UpstreamError } from "../../jobs/upstream-llm.ts";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Samples `n` candidate replies from the configured OpenAI-compatible upstream. */
export async function sampleUpstream(params: {
  messages: ChatMessage[];
  n: number;
  temperature?: number;
  max_tokens?: number;
}): Promise<string[]> {
  const config = upstreamConfig(env);
  if (!config) throw new ApiError(503, "no_upstream", NO_UPSTREAM);
  try {
    return await sampleCompletions(config, params);
  } catch (error) {
    if (error instanceof UpstreamError) throw new ApiError(502, error.code, error.message);
    throw error;
  }
}
