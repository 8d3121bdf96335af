import type { LoaderFunctionArgs } from "@remix-run/node";
import { listPublishedModels } from "../../../db/queries/models.ts";
import { api, methodNotAllowed, requirePremiumUser } from "~/utils/api.server.ts";
import { db } from "~/utils/db.server.ts";

/** The published reward models premium calls can use. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  api(async () => {
    await requirePremiumUser(request);
    const models = await listPublishedModels(db);
    return {
      models: models.map((m) => ({
        id: m.id,
        project: m.title,
        version: m.version,
        heldOutAccuracy: (m.metrics as { heldOut?: { accuracy?: number } } | null)?.heldOut?.accuracy ?? null,
      })),
    };
  });

export const action = methodNotAllowed("GET", "HEAD");
