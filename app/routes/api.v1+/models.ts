import type { LoaderFunctionArgs } from "@remix-run/node";
import { listPublishedModels } from "../../../db/queries/models.ts";
import { methodNotAllowed } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";
import { zeroSpentCredits, premiumApi } from "~/utils/premium.server.ts";

/** The published reward models premium calls can use; free, with the caller's credits like every premium answer. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  premiumApi(request, ["GET", "HEAD"], async (user) => {
    const [models, credits] = await Promise.all([listPublishedModels(db), zeroSpentCredits(user.id)]);
    return {
      models: models.map((m) => ({
        id: m.id,
        project: m.title,
        version: m.version,
        heldOutAccuracy: (m.metrics as { heldOut?: { accuracy?: number } } | null)?.heldOut?.accuracy ?? null,
      })),
      credits,
    };
  });

export const action = methodNotAllowed("GET", "HEAD");
