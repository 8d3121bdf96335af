// Requester commands that change a project and start the background work that follows from them.
import type { Db } from "../db/client.ts";
import { DomainError } from "../db/errors.ts";
import { revealGold } from "../db/queries/gold.ts";
import { createModelVersion, getModel, publishModel } from "../db/queries/models.ts";
import { closeProject, setQualityThreshold, type Project } from "../db/queries/projects.ts";
import { collectsPreferences } from "../db/schema/index.ts";
import { ensureFreshConsensus } from "../reward/consensus/project-run.ts";
import { heldOutComparison, notEnoughPairsMessage, trainingReadiness, weakModelMessage } from "./model-readiness.ts";
import { queueConsensus, queuePrioritize, queueSettlePayouts, queueTraining } from "./queue.ts";

/**
 * Queues a new model version of the project for training; reward models learn from preferences and rankings. Refused,
 * with no version made, while the consensus (brought up to date first) has too few decided items to train on.
 */
export async function startTraining(db: Db, project: Project) {
  if (!collectsPreferences(project))
    throw new DomainError(
      "not_pairwise",
      "Reward models are trained on projects that compare responses (pairwise, or a preference or ranking question).",
    );
  await ensureFreshConsensus(db, project.id);
  const readiness = await trainingReadiness(db, project);
  if (readiness.pairs < readiness.minimum) throw new DomainError("not_enough_pairs", notEnoughPairsMessage(readiness));
  const model = await createModelVersion(db, project.id);
  await queueTraining(db, model.id);
  return model;
}

/**
 * Publishes a version: it serves premium calls and orders the project's open items from now on. With
 * `ifWeak: "refuse"` (the dashboard, until the requester confirms) a version that scored below the "longer response
 * wins" baseline on held-out pairs, or was not measured, is refused.
 */
export async function publishVersion(
  db: Db,
  project: Project,
  modelId: string,
  options: { ifWeak?: "refuse" | "publish" } = {},
) {
  if (options.ifWeak === "refuse") {
    const model = await getModel(db, modelId);
    if (model?.projectId === project.id && model.status === "ready") {
      const { weak, accuracy, baseline } = heldOutComparison(model.metrics);
      if (weak) throw new DomainError("below_baseline", weakModelMessage(model.version, accuracy, baseline));
    }
  }
  await publishModel(db, { projectId: project.id, modelId });
  await queuePrioritize(db, project.id);
}

/** Sets (or clears, with null) the quality under which labelers are paused, and applies it at once. */
export async function changeQualityThreshold(db: Db, params: { projectId: string; threshold: number | null }) {
  await setQualityThreshold(db, params);
  await queueConsensus(db, params.projectId, { now: true });
}

export function recomputeConsensus(db: Db, projectId: string) {
  return queueConsensus(db, projectId, { now: true });
}

/**
 * Closes the project: no more tasks (answers on live leases are still taken), and its unspent funds go back to the
 * requester's wallet once every answer is in a planned epoch (the settle job plans and pays the refund, once).
 */
export async function closeAndRefund(db: Db, project: Project): Promise<boolean> {
  const closed = await closeProject(db, project.id);
  if (closed) await queueSettlePayouts(db);
  // The gold that scored its labelers is theirs to check now.
  if (closed) await revealGold(db, project.id);
  return closed;
}
