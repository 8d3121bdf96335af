import { getModel } from "../../db/queries/models.ts";
import { ApiError } from "./api.server.ts";
import { db } from "./db.server.ts";

/** A published model, by id. */
export async function requireModel(modelId: string | undefined) {
  const model = modelId ? await getModel(db, modelId) : null;
  if (!model || model.status !== "ready" || !model.publishedAt) {
    throw new ApiError(404, "not_found", "No published model with this id; see GET /api/v1/models");
  }
  return model;
}
