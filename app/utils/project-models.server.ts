import { DomainError } from "../../db/errors.ts";
import { createModelVersion, listModelAgreement, listModels, publishModel } from "../../db/queries/models.ts";
import type { Project } from "../../db/queries/projects.ts";
import { db } from "./db.server.ts";
import { queuePrioritize, queueTraining } from "../../jobs/worker.ts";

/** Queues a new model version of the project for training; reward models learn from pairwise projects only. */
export async function startTraining(project: Project) {
  if (project.taskType !== "pairwise") throw new DomainError("not_pairwise", "Reward models are trained on pairwise projects.");
  const model = await createModelVersion(db, project.id);
  await queueTraining(model.id);
  return model;
}

/** Publishes a version: it serves premium calls and orders the project's open items from now on. */
export async function publishVersion(project: Project, modelId: string) {
  await publishModel(db, { projectId: project.id, modelId });
  await queuePrioritize(project.id);
}

export function modelJson(m: Awaited<ReturnType<typeof listModels>>[number]) {
  const metrics = m.metrics as { heldOut?: { accuracy?: number; lengthBaselineAccuracy?: number; n?: number } | null } | null;
  return {
    id: m.id,
    version: m.version,
    status: m.status,
    pairs: m.pairs,
    error: m.error,
    published: m.publishedAt !== null,
    heldOutAccuracy: metrics?.heldOut?.accuracy ?? null,
    lengthBaseline: metrics?.heldOut?.lengthBaselineAccuracy ?? null,
    progress: m.progress as { epoch?: number; epochs?: number; step?: number; steps?: number; curve?: Array<{ epoch: number; loss: number; valLoss: number | null; valAccuracy: number | null }> } | null,
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
