import type { Role } from "../../db/schema/index.ts";
import { DomainError } from "../../db/errors.ts";
import { DatasetError } from "../../datasets/index.ts";
import { findUserByApiKey, type ApiKeyScope, type PublicUser } from "../../db/queries/identity.ts";
import { db } from "./db.server.ts";
import { RateLimitedError } from "./rate-limit.server.ts";
import { getUser } from "./session.server.ts";
import { UploadRequestError } from "./upload.server.ts";
import { RedemptionRejectedError } from "../../reward/tokens/redemptions/verify.ts";
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

/** HTTP statuses of the domain's refusals; any other DomainError code is a 400. */
const DOMAIN_STATUS: Record<string, number> = {
  not_found: 404,
  insufficient_credits: 402,
  labeler_paused: 403,
  paused_on_project: 403,
  project_paused: 409,
  already_finished: 409,
  lease_expired: 409,
  signature_reused: 409,
  order_done: 409,
  order_expired: 409,
  no_wallet: 409,
  wallet_taken: 409,
};

export function domainErrorStatus(error: DomainError): number {
  return DOMAIN_STATUS[error.code] ?? 400;
}

export function apiErrorResponse(status: number, code: string, message: string, details?: unknown) {
  return Response.json({ error: { code, message, ...(details ? { details } : {}) } }, { status });
}

/**
 * Who is calling: the owner of a Bearer API key of the given scope, or the browser session for safe requests (GET,
 * or JSON, which a cross-site form cannot send without a CORS preflight this API never grants).
 */
async function apiCaller(request: Request, scope: ApiKeyScope): Promise<PublicUser> {
  const auth = request.headers.get("Authorization");
  if (auth) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!match) throw new ApiError(401, "unauthorized", "Authorization must be `Bearer <api key>`");
    const user = await findUserByApiKey(db, match[1], scope);
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

/** The caller of a premium (metered) endpoint: any role, with a premium key or the session (the Playground). */
export function requirePremiumUser(request: Request): Promise<PublicUser> {
  return apiCaller(request, "premium");
}

export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
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
    if (error instanceof ApiError) return apiErrorResponse(error.status, error.code, error.message, error.details);
    if (error instanceof DomainError) return apiErrorResponse(domainErrorStatus(error), error.code, error.message);
    if (error instanceof DatasetError)
      return apiErrorResponse(422, "invalid_dataset", "The dataset was rejected; nothing was stored", error.problems);
    if (error instanceof UploadRequestError) return apiErrorResponse(error.status, error.code, error.message);
    if (error instanceof RateLimitedError) return apiErrorResponse(429, "rate_limited", error.message);
    if (error instanceof SiwsError)
      return apiErrorResponse(400, `siws_${error.reason.replace(/-/g, "_")}`, error.message);
    if (error instanceof RedemptionRejectedError)
      return apiErrorResponse(422, error.reason.replace(/-/g, "_"), error.message);
    if (error instanceof Response) {
      return apiErrorResponse(error.status, error.status === 404 ? "not_found" : "error", await error.text());
    }
    console.error(error);
    return apiErrorResponse(500, "internal", "Internal error");
  }
}
