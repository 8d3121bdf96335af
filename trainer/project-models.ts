import path from "node:path";
import type { Db } from "../db/client.ts";
import { exportPreferences, formPreferencePairs } from "../db/queries/exports.ts";
import { getProject } from "../db/queries/projects.ts";
import { renderMessages } from "../datasets/normalize.ts";
import {
  getModel,
  listDecidedPairs,
  listOpenPairs,
  recordModelAgreement,
  setItemPriorities,
  updateModel,
} from "../db/queries/models.ts";
import type { Scorer } from "./runtime.ts";
import { trainRewardModel, type TrainingProgress } from "./train.ts";
import type { PreferencePair } from "./pairs.ts";
import type { Device } from "./device.ts";

/** Fewer consensus pairs than this cannot give a held-out split worth reporting. */
export const MIN_TRAINING_PAIRS = 20;

export class NotEnoughPairsError extends Error {
  override name = "NotEnoughPairsError";
}

/**
 * The project's consensus preferences as training pairs, each weighted by its consensus confidence: a form
 * project's come from its preference question, or every pair of its consensus rankings, with a conversation
 * rendered as the prompt.
 */
export async function projectPreferencePairs(db: Db, projectId: string): Promise<PreferencePair[]> {
  const pairs: PreferencePair[] = [];
  const project = await getProject(db, projectId);
  if (project?.taskType === "form" && project.questions) {
    for await (const p of formPreferencePairs(db, { id: projectId, questions: project.questions })) {
      const { prompt, messages } = p.content;
      pairs.push({
        prompt: messages ? renderMessages(messages) : (prompt ?? ""),
        chosen: p.chosen.text,
        rejected: p.rejected.text,
        weight: p.confidence,
      });
    }
    return pairs;
  }
  for await (const p of exportPreferences(db, projectId)) {
    pairs.push({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected, weight: p.confidence });
  }
  return pairs;
}

/**
 * Trains one queued model version on its project's consensus, reporting progress (with the loss and accuracy
 * curves so far) into the registry row at most once a second, and stores the model directory under `modelsDir`.
 * `refreshConsensus` brings the consensus up to date first (it lives in reward/, which trainer/ does not import).
 */
export async function trainProjectModel(
  db: Db,
  params: {
    modelId: string;
    modelsDir: string;
    device?: Device;
    refreshConsensus: (projectId: string) => Promise<unknown>;
    /** Called with each progress report, e.g. to keep a job's lock alive through a long training. */
    heartbeat?: (progress: Record<string, unknown>) => Promise<void>;
  },
) {
  const model = await getModel(db, params.modelId);
  if (!model) throw new Error(`model ${params.modelId} does not exist`);
  try {
    await params.refreshConsensus(model.projectId);
    const pairs = await projectPreferencePairs(db, model.projectId);
    if (pairs.length < MIN_TRAINING_PAIRS) {
      throw new NotEnoughPairsError(
        `needs at least ${MIN_TRAINING_PAIRS} items with a consensus preference, the project has ${pairs.length}`,
      );
    }
    await updateModel(db, model.id, { status: "training", pairs: pairs.length, progress: { epoch: 0, curve: [] } });
    const curve: Array<{ epoch: number; loss: number; valLoss: number | null; valAccuracy: number | null }> = [];
    let last = 0;
    let pending: Promise<void> = Promise.resolve();
    const onProgress = (p: TrainingProgress) => {
      if (p.valLoss !== null || p.valAccuracy !== null)
        curve.push({ epoch: p.epoch, loss: p.loss, valLoss: p.valLoss, valAccuracy: p.valAccuracy });
      if (Date.now() - last < 1000 && p.valLoss === null) return;
      last = Date.now();
      const progress = {
        epoch: p.epoch,
        epochs: p.epochs,
        step: p.step,
        steps: p.steps,
        loss: p.loss,
        curve: [...curve],
      };
      pending = pending.then(async () => {
        await updateModel(db, model.id, { progress });
        await params.heartbeat?.(progress);
      });
    };
    const dir = path.join(params.modelsDir, model.id);
    const metrics = await trainRewardModel({ pairs, outDir: dir, device: params.device, onProgress });
    await pending;
    await updateModel(db, model.id, {
      status: "ready",
      dir,
      metrics: metrics as unknown as Record<string, unknown>,
      progress: { epoch: curve.length, curve },
      trainedAt: new Date(),
    });
    return { modelId: model.id, pairs: pairs.length };
  } catch (error) {
    await updateModel(db, model.id, {
      status: "failed",
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}

/** How unsure a model is which of two responses is better: 1 when P(A better) = ½, 0 when it is certain. */
export function uncertainty(rewardA: number, rewardB: number): number {
  const pA = 1 / (1 + Math.exp(rewardB - rewardA));
  return 1 - Math.abs(2 * pA - 1);
}

/** r(A) − r(B) for each item's two responses, scored in batches of 256 items. */
async function rewardMargins(
  scorer: Scorer,
  items: ReadonlyArray<{ prompt: string; a: string; b: string }>,
): Promise<number[]> {
  const margins: number[] = [];
  for (let i = 0; i < items.length; i += 256) {
    const chunk = items.slice(i, i + 256);
    const rewards = await scorer.scoreRows(
      chunk.flatMap((p) => [
        { prompt: p.prompt, response: p.a },
        { prompt: p.prompt, response: p.b },
      ]),
    );
    chunk.forEach((_, j) => margins.push(rewards[2 * j] - rewards[2 * j + 1]));
  }
  return margins;
}

/**
 * Uncertainty sampling: open items the model is least sure about (P(A better) near ½) go first. Items sent out for
 * more answers by the requester keep their lead over the rest.
 */
export async function prioritizeByUncertainty(db: Db, params: { projectId: string; scorer: Scorer }): Promise<number> {
  const open = await listOpenPairs(db, params.projectId);
  const margins = await rewardMargins(params.scorer, open);
  const priorities = open.map((p, i) => ({ id: p.id, priority: uncertainty(margins[i], 0) + (p.extra ? 1 : 0) }));
  await setItemPriorities(db, priorities);
  return priorities.length;
}

/** Share of decided items where the model prefers the same response as the consensus; stored for the chart. */
export async function measureModelAgreement(db: Db, params: { projectId: string; modelId: string; scorer: Scorer }) {
  const decided = await listDecidedPairs(db, params.projectId);
  if (decided.length === 0) return null;
  const margins = await rewardMargins(params.scorer, decided);
  const agreement = decided.filter((p, i) => margins[i] > 0 === (p.label === "a")).length / decided.length;
  await recordModelAgreement(db, { modelId: params.modelId, agreement, items: decided.length });
  return agreement;
}
