import { listModelAgreement, listModels } from "../../db/queries/models.ts";
import type { Project } from "../../db/queries/projects.ts";
import { heldOutComparison, trainingReadiness } from "../../jobs/model-readiness.ts";
import { db } from "./db.server.ts";

export function modelJson(m: Awaited<ReturnType<typeof listModels>>[number]) {
  const { accuracy, baseline, weak } = heldOutComparison(m.metrics);
  return {
    id: m.id,
    version: m.version,
    status: m.status,
    pairs: m.pairs,
    error: m.error,
    published: m.publishedAt !== null,
    heldOutAccuracy: accuracy,
    lengthBaseline: baseline,
    /** Unmeasured, or below the length baseline: the dashboard asks before publishing it. */
    weak: m.status === "ready" && weak,
    /** The epoch whose weights the version kept (lowest held-out loss); its accuracy is `heldOutAccuracy`. */
    bestEpoch: (m.metrics as { bestEpoch?: number } | null)?.bestEpoch ?? null,
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

/** What the dashboard's Train button needs: the decided items so far against the minimum. */
export function loadTrainingReadiness(project: Project) {
  return trainingReadiness(db, project);
}
