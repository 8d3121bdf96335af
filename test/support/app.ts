import type { DbHandle } from "../../db/client.ts";
import type { Platform } from "../../reward/tokens/chain/platform.ts";
import { inMemoryChain } from "./chain.ts";
import { createTestDb } from "./db.ts";
import { makeTempDir } from "./temp-dir.ts";

process.env.SESSION_SECRET ??= "test-secret-that-is-long-enough-for-hmac-0123456789";
process.env.NODE_ENV = "test";
process.env.RATE_LIMIT_AUTH_PER_MINUTE ??= "1000";
// Tests change accounts and projects straight in the database and expect the next request to see it; the cache's
// bound on staleness has tests of its own (test/app/lookup-cache.test.ts).
process.env.LOOKUP_CACHE_SECONDS ??= "0";
// Model directories and anything else the app writes under DATA_DIR go to a scratch folder, not ./data.
process.env.DATA_DIR ??= makeTempDir("app-test");

/**
 * Boots the app's server modules on a fresh test database: the app's db module picks up the handle placed in its
 * global slot, so route loaders and actions run unchanged against it.
 */
export async function bootApp(): Promise<DbHandle> {
  const handle = await createTestDb();
  globalThis.__pairwiseDb = Promise.resolve(handle);
  globalThis.__pairwisePlatform = inMemoryPlatform();
  return handle;
}

/** The embedded chain in memory, with a fresh mint and treasury, in place of the one under DATA_DIR. */
async function inMemoryPlatform(): Promise<Platform> {
  const { chain, token } = await inMemoryChain();
  return { chain, token, kind: "embedded", explorerUrl: () => null, close: () => chain.close() };
}

type Args = { request: Request; params: Record<string, string>; context: object };
type RouteFn = (args: Args) => Promise<unknown> | unknown;

/**
 * Calls a loader or action and returns its Response (thrown or returned), or wraps plain data as 200. `context` is
 * what server.js's getLoadContext would pass (e.g. `{ clientAddress }`, the socket's peer address).
 */
export async function call(
  fn: RouteFn | undefined,
  request: Request,
  params: Record<string, string> = {},
  context: object = {},
): Promise<Response> {
  if (!fn) throw new Error("route has no such export");
  try {
    const result = await fn({ request, params, context });
    if (result instanceof Response) return result;
    const maybeData = result as { type?: string; data?: unknown; init?: ResponseInit | null };
    if (maybeData && maybeData.type === "DataWithResponseInit")
      return Response.json(maybeData.data, maybeData.init ?? undefined);
    return Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const BASE = "http://localhost";

/** A request for `path` on http://localhost (or `origin`), with `cookie` as its Cookie header. */
export function request(path: string, init: RequestInit & { cookie?: string; origin?: string } = {}) {
  const { cookie, origin = BASE, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (cookie) headers.set("Cookie", cookie);
  return new Request(origin + path, { ...rest, headers, duplex: "half" } as RequestInit);
}

/** The Authorization header of an API key, with any other headers. */
export function bearer(key: string, headers: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${key}`, ...headers };
}

/** A JSON API call with an API key: a POST with `body` as JSON, or a GET when there is no body. */
export function apiRequest(path: string, key: string, body?: object, origin?: string): Request {
  return request(path, {
    method: body ? "POST" : "GET",
    headers: bearer(key, body ? { "Content-Type": "application/json" } : {}),
    body: body ? JSON.stringify(body) : undefined,
    origin,
  });
}

/** A form body holding `fields`. */
export function formData(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

/** A signed-in browser's form post: `fields` and a valid CSRF token, with the session and CSRF cookies. */
export async function csrfFormPost(path: string, session: string, fields: Record<string, string>): Promise<Request> {
  const { token, cookie } = await csrfPair();
  return request(path, { method: "POST", cookie: `${session}; ${cookie}`, body: formData({ ...fields, csrf: token }) });
}

/** Cookie header for a signed-in user (a real session row and signed cookie). */
export async function sessionCookie(userId: string): Promise<string> {
  const { startSession } = await import("~/utils/session.server.ts");
  const response = await startSession(userId, "/");
  return response.headers.get("Set-Cookie")!.split(";")[0];
}

/** A CSRF token with its cookie, as the root loader would hand to a browser. */
export async function csrfPair(): Promise<{ token: string; cookie: string }> {
  const { csrf } = await import("~/utils/csrf.server.ts");
  const [token, setCookie] = await csrf.commitToken();
  return { token, cookie: setCookie!.split(";")[0] };
}
