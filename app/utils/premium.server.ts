import { getCreditBalance } from "../../db/queries/credits.ts";
import type { PublicUser } from "../../db/queries/identity.ts";
import { getModel } from "../../db/queries/models.ts";
import { api, ApiError, requireMethod, requirePremiumUser } from "./api.server.ts";
import { db } from "./db.server.ts";

/** A published model, by id. */
export async function requireModel(modelId: string | undefined) {
  const model = modelId ? await getModel(db, modelId) : null;
  if (!model || model.status !== "ready" || !model.publishedAt) {
    throw new ApiError(404, "not_found", "No published model with this id; see GET /api/v1/models");
  }
  return model;
}

/** `credits` of a premium answer that spent nothing (a free call, or an error): 0 and the caller's balance. */
export async function zeroSpentCredits(userId: string) {
  return { spent: "0", balance: (await getCreditBalance(db, userId)).toString() };
}

/**
 * Runs a premium endpoint serving the `allowed` methods for its caller. Every answer once the key is accepted
 * carries `credits` (metered work adds its own to a success); an error spent nothing, since a call that fails on our
 * side is refunded and one refused for want of credits is never charged. A 401 or 403 comes before the account is
 * known and has none.
 */
export async function premiumApi(
  request: Request,
  allowed: string[],
  handler: (user: PublicUser) => Promise<object>,
): Promise<Response> {
  const caller: { user?: PublicUser } = {};
  const response = await api(async () => {
    requireMethod(request, ...allowed);
    caller.user = await requirePremiumUser(request);
    return handler(caller.user);
  });
  if (response.ok || !caller.user) return response;
  // The error itself matters more than the balance: if that cannot be read either, the error goes out as it is.
  const credits = await zeroSpentCredits(caller.user.id).catch(() => null);
  if (!credits) return response;
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return Response.json({ ...((await response.json()) as object), credits }, { status: response.status, headers });
}
