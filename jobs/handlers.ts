import type { Db } from "../db/client.ts";
import { getPublishedModel } from "../db/queries/models.ts";
import { ensureFreshConsensus, runProjectConsensus } from "../reward/consensus/project-run.ts";
import { parseEpochId } from "../reward/tokens/payouts/epochs.ts";
import { planRefunds, runPayout, settlePayouts } from "../reward/tokens/payouts/executor.ts";
import { measureModelAgreement, prioritizeByUncertainty, trainProjectModel } from "../trainer/project-models.ts";
import { generationJob } from "./generate-responses.ts";
import { runGoldCommitJob } from "./gold-commitments.ts";
import { payoutContext, type Services } from "./services.ts";

export interface JobContext {
  db: Db;
  /** Records progress on the job and extends its lock, so a long job is not taken for a dead worker's. */
  progress(progress: Record<string, unknown>): Promise<void>;
}

export type Handler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<Record<string, unknown>>;

/**
 * Model in the loop: measures the project's published model against the current consensus and re-ranks the open
 * items by its uncertainty. Returns how many items were ranked (0 without a published model).
 */
export async function followPublishedModel(services: Services, db: Db, projectId: string): Promise<number> {
  const model = await getPublishedModel(db, projectId);
  if (!model) return 0;
  return services.withScorer(model.id, async (scorer) => {
    await measureModelAgreement(db, { projectId, modelId: model.id, scorer });
    return prioritizeByUncertainty(db, { projectId, scorer });
  });
}

/** A project's consensus run and what follows it: the published model's agreement and the queue's new order. */
export async function runConsensusPipeline(services: Services, db: Db, projectId: string) {
  const outcome = await runProjectConsensus(db, projectId);
  const prioritized = outcome.status === "done" ? await followPublishedModel(services, db, projectId) : 0;
  return { ...outcome, prioritized };
}

/** The job kinds and what runs each. */
export function jobHandlers(services: Services): Record<string, Handler> {
  return {
    consensus: async (payload, { db }) => runConsensusPipeline(services, db, String(payload.projectId)),
    train: async (payload, { db, progress }) =>
      trainProjectModel(db, {
        modelId: String(payload.modelId),
        modelsDir: services.modelsDir,
        refreshConsensus: (projectId) => ensureFreshConsensus(db, projectId),
        heartbeat: progress,
      }),
    prioritize: async (payload, { db }) => ({
      prioritized: await followPublishedModel(services, db, String(payload.projectId)),
    }),
    payout: async (payload, { db }) => {
      const ctx = { ...(await payoutContext(services)), db };
      return { ...(await runPayout(ctx, { epoch: parseEpochId(String(payload.epoch)) })) };
    },
    "gold-commit": async (payload, { db }) => runGoldCommitJob(services, db, payload),
    "generate-responses": generationJob(services.env),
    "settle-payouts": async (_payload, { db }) => {
      const ctx = { ...(await payoutContext(services)), db };
      await planRefunds(ctx);
      const batches = await settlePayouts(ctx);
      return { batches: batches.length, confirmed: batches.filter((b) => b.status === "confirmed").length };
    },
  };
}

/** Kinds that can take minutes (or hours), each in a lane of its own, so none holds up consensus runs or payouts. */
const LONG_KINDS = ["train", "generate-responses"];

export function jobLanes(handlers: Record<string, Handler>): string[][] {
  const long = LONG_KINDS.filter((kind) => kind in handlers);
  return [...long.map((kind) => [kind]), Object.keys(handlers).filter((kind) => !long.includes(kind))];
}
