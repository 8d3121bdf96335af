import { listModelAgreement, listModels } from "../../db/queries/models.ts";
import { db } from "./db.server.ts";

export function modelJson(m: Awaited<ReturnType<typeof listModels>>[number]) {
  const metrics = m.metrics as {
    heldOut?: { accuracy?: number; lengthBaselineAccuracy?: number; n?: number } | null;
  } | null;
  return {
    id: m.id,
    version: m.version,
    status: m.status,
    pairs: m.pairs,
    error: m.error,
    published: m.publishedAt !== null,
    heldOutAccuracy: metrics?.heldOut?.accuracy ?? null,
    lengthBaseline: metrics?.heldOut?.lengthBaselineAccuracy ?? null,
    progress: m.progress as {
      epoch?: number;
      epochs?: number;
      step?: number;
      steps?: number;
      curve?: Array<{ epoch: number; loss: number; valLoss: number | null; valAccuracy: number | null }>;
    } | null,
    createdAt: m.createdAt.toISOString(),
  };
}

export async function loadProjectModels(projectId: string) {
  const models = await listModels(db, projectId);
  const published = models.find((m) => m.publishedAt);
  const agreement = published ? await listModelAgreement(db, published.id) : [];
  return {
    models: models.map(modelJson),
    agreement: agreement.map((a) => ({ at: a.createdAt.toISOString(), agreement: a.agreement, items: a.items })),
  };
}
