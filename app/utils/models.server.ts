import path from "node:path";
import { getModel } from "../../db/queries/models.ts";
import { loadScorer, type Scorer } from "../../trainer/index.ts";
import { ScorerCache } from "../../trainer/scorer-cache.ts";
import { db } from "./db.server.ts";
import { env } from "../../config/env.ts";

declare global {
  // eslint-disable-next-line no-var
  var __pairwiseScorers: ScorerCache | undefined;
}

const MAX_CACHED = 8;

export const modelsDir = () => path.join(env.DATA_DIR, "models");

async function loadModelScorer(modelId: string): Promise<Scorer> {
  const model = await getModel(db, modelId);
  if (!model?.dir || model.status !== "ready") throw new Response("No such trained model.", { status: 404 });
  return loadScorer(model.dir);
}

/** Runs `work` with the model version's scorer: one onnxruntime session per version, kept for later calls. */
export function withScorer<T>(modelId: string, work: (scorer: Scorer) => Promise<T>): Promise<T> {
  global.__pairwiseScorers ??= new ScorerCache(MAX_CACHED, loadModelScorer);
  return global.__pairwiseScorers.use(modelId, work);
}
