import path from "node:path";
import { getModel, getPublishedModel } from "../../db/queries/models.ts";
import { loadScorer, type Scorer } from "../../trainer/index.ts";
import { db } from "./db.server.ts";
import { env } from "./env.server.ts";

declare global {
  // eslint-disable-next-line no-var
  var __pairwiseScorers: Map<string, Promise<Scorer>> | undefined;
}

const MAX_CACHED = 8;

export const modelsDir = () => path.join(env.DATA_DIR, "models");

/** One onnxruntime session per model version, kept for later calls (the least recently used one goes first). */
export async function scorerFor(modelId: string): Promise<Scorer> {
  const cache = (global.__pairwiseScorers ??= new Map());
  const cached = cache.get(modelId);
  if (cached) {
    cache.delete(modelId);
    cache.set(modelId, cached);
    return cached;
  }
  const model = await getModel(db, modelId);
  if (!model?.dir || model.status !== "ready") throw new Response("No such trained model.", { status: 404 });
  const loading = loadScorer(model.dir).catch((error) => {
    cache.delete(modelId);
    throw error;
  });
  cache.set(modelId, loading);
  while (cache.size > MAX_CACHED) {
    const [oldest, scorer] = cache.entries().next().value!;
    cache.delete(oldest);
    void scorer.then((s: Scorer) => s.close()).catch(() => {});
  }
  return loading;
}

/** The project's published model with its scorer, or null. */
export async function publishedScorer(projectId: string) {
  const model = await getPublishedModel(db, projectId);
  return model ? { model, scorer: await scorerFor(model.id) } : null;
}
