import { isIP } from "node:net";
import { hitRateLimit, pruneRateLimits } from "../../db/queries/abuse.ts";
import { env } from "../../config/env.ts";
import { db } from "./db.server.ts";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** The TCP peer's address (`req.socket.remoteAddress`), set by server.js's getLoadContext. */
    clientAddress?: string;
  }
}

// Counters live in the database (rate_limit_counters), so every app process spends from the same allowance, and
// keys are only what the server knows (the socket's address, the account), so no client can reset its own.
const WINDOW_SECONDS = 60;
const limits = {
  auth: () => env.RATE_LIMIT_AUTH_PER_MINUTE,
  answer: () => env.RATE_LIMIT_ANSWERS_PER_MINUTE,
};
export type RateLimitKind = keyof typeof limits;

export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; try again in ${retryAfterSeconds} s.`);
  }
}

let lastPrune = 0;

/**
 * Spends one point for `key`; throws RateLimitedError when the minute's allowance is used up. The minute slides:
 * the points of this window plus the previous window's, weighted by how much of it still lies within the last
 * minute, so a burst across a window boundary gets no double allowance. Refused attempts count too.
 */
export async function rateLimit(kind: RateLimitKind, key: string): Promise<void> {
  const hit = await hitRateLimit(db, { key: `${kind}:${key}`, windowSeconds: WINDOW_SECONDS });
  if (Date.now() - lastPrune > WINDOW_SECONDS * 1000) {
    lastPrune = Date.now();
    await pruneRateLimits(db, { olderThanSeconds: 2 * WINDOW_SECONDS });
  }
  const retryAfter = secondsUntilAllowed(hit, limits[kind](), WINDOW_SECONDS);
  if (retryAfter > 0) throw new RateLimitedError(retryAfter);
}

/**
 * 0 when this hit is within `limit`, else the whole seconds until the next attempt would be (the estimate
 * `points + previous × (1 − elapsed / window)` falls as the window advances).
 */
export function secondsUntilAllowed(
  hit: { points: number; previous: number; elapsedSeconds: number },
  limit: number,
  window: number,
): number {
  const { points, previous } = hit;
  const f = Math.min(Math.max(hit.elapsedSeconds / window, 0), 1);
  if (points + previous * (1 - f) <= limit + 1e-9) return 0;
  // Later in this window, the next attempt (points + 1) passes once previous × (1 − f') ≤ limit − points − 1.
  const room = limit - points - 1;
  if (room >= 0 && previous > 0) return Math.max(1, Math.ceil((1 - room / previous - f) * window));
  // Otherwise in the next window, where this window's points are the previous ones: 1 + points × (1 − g) ≤ limit.
  const g = Math.max(0, 1 - (limit - 1) / points);
  return Math.max(1, Math.ceil((1 - f + g) * window));
}

/** The 429 a page's action throws: the message, with Retry-After. */
export function tooManyRequests(error: RateLimitedError): Response {
  return new Response(error.message, { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } });
}

export async function rateLimitOrRespond(kind: RateLimitKind, key: string): Promise<void> {
  try {
    await rateLimit(kind, key);
  } catch (error) {
    if (error instanceof RateLimitedError) throw tooManyRequests(error);
    throw error;
  }
}

/**
 * Charges one sign-in or sign-up attempt to the client's address and to the account (the email) it is for, so
 * neither many addresses on one account nor many accounts from one address get more than the allowance. Call it
 * once the request passed the CSRF and shape checks, so a malformed post costs nothing. Throws a 429 Response.
 */
export async function limitAuthAttempt(request: Request, context: unknown, email: string): Promise<void> {
  await rateLimitOrRespond("auth", `address:${clientAddress(request, context)}`);
  await rateLimitOrRespond("auth", `account:${email.trim().toLowerCase()}`);
}

/**
 * The client's address, as a rate-limit key: the socket's peer (from the load context server.js builds), unless
 * `trustProxy` (TRUST_PROXY) proxies sit in front of the app, in which case it is the address the outermost of them
 * saw: the `trustProxy`-th X-Forwarded-For entry from the right (entries further left are whatever the client
 * sent). IPv4-mapped IPv6 addresses are unwrapped and IPv6 addresses count per /64. A context without an address
 * (a test, a call not from server.js) is "unknown".
 */
export function clientAddress(request: Request, context: unknown, trustProxy: number = env.TRUST_PROXY): string {
  const peer = normalizeIp(
    context && typeof context === "object" && "clientAddress" in context ? context.clientAddress : undefined,
  );
  if (trustProxy > 0) {
    const hops = (request.headers.get("X-Forwarded-For") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const forwarded = hops.length ? normalizeIp(hops[Math.max(0, hops.length - trustProxy)]) : null;
    if (forwarded) return addressKey(forwarded);
  }
  return peer ? addressKey(peer) : "unknown";
}

/** A bare IP address from a socket or header value (brackets, a port or a zone stripped), or null. */
function normalizeIp(value: unknown): string | null {
  if (typeof value !== "string") return null;
  let ip = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed) ip = bracketed[1];
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(":"));
  ip = ip.replace(/%.*$/, "");
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) ip = mapped[1];
  return isIP(ip) ? ip.toLowerCase() : null;
}

/** IPv4 as is; IPv6 as its /64 network, the block a single customer is usually given. */
function addressKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, null];
  const groups = (part: string | null) =>
    part ? part.split(":").flatMap((g) => (g.includes(".") ? ["0", "0"] : [g])) : [];
  const left = groups(head);
  const right = groups(tail);
  const full = tail === null ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return `${full
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}
