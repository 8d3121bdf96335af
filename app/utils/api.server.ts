import type { Role } from "../../db/schema/index.ts";
import { DomainError } from "../../db/errors.ts";
import { DatasetError } from "../../datasets/index.ts";
import { findUserByApiKey, type ApiKeyScope, type PublicUser } from "../../db/queries/identity.ts";
import { BodyTooLargeError, readBodyBytes } from "./body.server.ts";
import { db } from "./db.server.ts";
import { RateLimitedError } from "./rate-limit.server.ts";
import { getUser } from "./session.server.ts";
import { cachedLookup } from "./lookup-cache.server.ts";
import { UploadRequestError } from "./upload.server.ts";
import { OrderRejectedError } from "../../reward/tokens/orders/verify.ts";
import { SiwsError } from "../../reward/tokens/wallets/siws.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The request's method is not one the route serves: a 405 with an `Allow` header naming those it does. */
export class MethodNotAllowedError extends ApiError {
  constructor(
    method: string,
    readonly allowed: string[],
  ) {
    super(405, "method_not_allowed", `${method} is not allowed here; use ${allowed.join(" or ")}`);
  }
}

/** Refuses the request unless its method is one of `allowed` (in an action: POST, PUT, PATCH and DELETE all arrive). */
export function requireMethod(request: Request, ...allowed: string[]) {
  if (!allowed.includes(request.method)) throw new MethodNotAllowedError(request.method, allowed);
}

/**
 * The loader or action of an API route for the methods it does not serve (`export const loader =
 * methodNotAllowed("POST")`): 405 JSON, where Remix itself would answer a missing loader or action with its own
 * `{"message"}` shape.
 */
export function methodNotAllowed(...allowed: string[]) {
  return ({ request }: { request: Request }) =>
    api(async () => {
      throw new MethodNotAllowedError(request.method, allowed);
    });
}

/** HTTP statuses of the domain's refusals; any other DomainError code is a 400. */
const DOMAIN_STATUS: Record<string, number> = {
  not_found: 404,
  insufficient_credits: 402,
  labeler_paused: 403,
  paused_on_project: 403,
  not_qualified: 403,
  no_attempts_left: 403,
  already_qualified: 409,
  retry_later: 409,
  test_empty: 409,
  test_has_items: 409,
  project_paused: 409,
  project_closed: 409,
  out_of_funds: 409,
  insufficient_tokens: 409,
  already_finished: 409,
  lease_expired: 409,
  signature_reused: 409,
  order_done: 409,
  order_expired: 409,
  no_wallet: 409,
  wallet_taken: 409,
  undo_too_late: 409,
  nothing_to_undo: 409,
  not_last_answer: 409,
  below_baseline: 409,
  insufficient_funds: 409,
  no_labelers: 409,
  not_rejected: 409,
  already_appealed: 409,
  appeal_closed: 409,
  already_decided: 409,
};

export function domainErrorStatus(error: DomainError): number {
  return DOMAIN_STATUS[error.code] ?? 400;
}

export function apiErrorResponse(status: number, code: string, message: string, details?: unknown) {
  return Response.json({ error: { code, message, ...(details ? { details } : {}) } }, { status });
}

// Keyed by scope and key; what is kept is the account the key belongs to.
const apiKeyOwners = cachedLookup<PublicUser>((scopedKey) => {
  const [scope, key] = scopedKey.split(" ", 2) as [ApiKeyScope, string];
  return findUserByApiKey(db, key, scope);
});

/** After a key is revoked in this process: no request here is served by its cached account. */
export const forgetApiKeys = () => apiKeyOwners.clear();

/**
 * Who is calling: the owner of a Bearer API key of the given scope, or the browser session for safe requests (GET,
 * or JSON, which a cross-site form cannot send without a CORS preflight this API never grants).
 */
async function apiCaller(request: Request, scope: ApiKeyScope): Promise<PublicUser> {
  const auth = request.headers.get("Authorization");
  if (auth) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!match) throw new ApiError(401, "unauthorized", "Authorization must be `Bearer <api key>`");
    const user = await apiKeyOwners.get(`${scope} ${match[1]}`);
    if (!user) {
      const which = scope === "premium" ? "premium API key (create one under API keys)" : "API key";
      throw new ApiError(401, "unauthorized", `Unknown or revoked ${which}`);
    }
    return user;
  }
  const safe = request.method === "GET" || request.headers.get("Content-Type")?.startsWith("application/json");
  const user = safe ? await getUser(request) : null;
  if (!user) throw new ApiError(401, "unauthorized", "Send an API key as `Authorization: Bearer <key>`");
  return user;
}

/** The caller of a requester/labeler endpoint, refused unless their role is one of `roles` (admins pass). */
export async function requireApiUser(request: Request, roles: Role[]): Promise<PublicUser> {
  const user = await apiCaller(request, "api");
  if (user.role !== "admin" && !roles.includes(user.role)) {
    throw new ApiError(403, "forbidden", `This endpoint is for ${roles.join(" or ")} accounts`);
  }
  return user;
}

/**
 * The caller of a premium (metered) endpoint: any role, with a premium key or the session (the Playground). A
 * paused account is refused (403 account_paused, with the reason); it keeps its wallet, earnings and sign-in.
 */
export async function requirePremiumUser(request: Request): Promise<PublicUser> {
  const user = await apiCaller(request, "premium");
  if (user.pausedReason) {
    throw new ApiError(403, "account_paused", `Your account is paused: ${user.pausedReason}`);
  }
  return user;
}

/** The JSON body, read within MAX_JSON_BODY_BYTES (413 `body_too_large` once it passes it; see body.server.ts). */
export async function readJson(request: Request): Promise<unknown> {
  let text: string;
  try {
    text = new TextDecoder().decode(await readBodyBytes(request));
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new ApiError(413, "body_too_large", error.message);
    throw new ApiError(400, "invalid_json", "The request body must be valid JSON");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body must be valid JSON");
  }
}

/** Runs an API handler: plain results become JSON responses, every known failure `{ error: { code, message } }`. */
export async function api(handler: () => Promise<object>): Promise<Response> {
  try {
    const result = await handler();
    return result instanceof Response ? result : Response.json(result);
  } catch (error) {
    if (error instanceof MethodNotAllowedError) {
      const response = apiErrorResponse(error.status, error.code, error.message);
      response.headers.set("Allow", error.allowed.join(", "));
      return response;
    }
    if (error instanceof ApiError) return apiErrorResponse(error.status, error.code, error.message, error.details);
    if (error instanceof DomainError) return apiErrorResponse(domainErrorStatus(error), error.code, error.message);
    if (error instanceof DatasetError)
      return apiErrorResponse(422, "invalid_dataset", "The dataset was rejected; nothing was stored", error.problems);
    if (error instanceof UploadRequestError) {
      const response = apiErrorResponse(error.status, error.code, error.message);
      for (const [name, value] of Object.entries(error.headers)) response.headers.set(name, value);
      return response;
    }
    if (error instanceof RateLimitedError) {
      const limited = apiErrorResponse(429, "rate_limited", error.message);
      limited.headers.set("Retry-After", String(error.retryAfterSeconds));
      return limited;
    }
    if (error instanceof SiwsError)
      return apiErrorResponse(400, `siws_${error.reason.replace(/-/g, "_")}`, error.message);
    if (error instanceof OrderRejectedError)
      return apiErrorResponse(422, error.reason.replace(/-/g, "_"), error.message);
    if (error instanceof Response) {
      return apiErrorResponse(error.status, error.status === 404 ? "not_found" : "error", await error.text());
    }
    console.error(error);
    return apiErrorResponse(500, "internal", "Internal error");
  }
}
