import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "../../config/env.ts";

// Per process: behind a load balancer with N processes the effective limit is up to N times higher.
const limiters = {
  auth: new RateLimiterMemory({ keyPrefix: "auth", points: env.RATE_LIMIT_AUTH_PER_MINUTE, duration: 60 }),
  answer: new RateLimiterMemory({ keyPrefix: "answer", points: env.RATE_LIMIT_ANSWERS_PER_MINUTE, duration: 60 }),
};

export function clientIp(request: Request): string {
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || request.headers.get("x-real-ip") || "local";
}

export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; try again in ${retryAfterSeconds} s.`);
  }
}

/** Spends one point for `key`; throws RateLimitedError when the minute's allowance is used up. */
export async function rateLimit(kind: keyof typeof limiters, key: string): Promise<void> {
  try {
    await limiters[kind].consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new RateLimitedError(Math.ceil(error.msBeforeNext / 1000));
    throw error;
  }
}

export async function rateLimitOrRespond(kind: keyof typeof limiters, key: string): Promise<void> {
  try {
    await rateLimit(kind, key);
  } catch (error) {
    if (error instanceof RateLimitedError)
      throw new Response(error.message, { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } });
    throw error;
  }
}
