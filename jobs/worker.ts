import type { Db } from "../db/client.ts";
import { lastConsensusLabelId, projectsWithNewLabels } from "../db/queries/consensus.ts";
import { claimJob, enqueueJob, finishJob, reportJobProgress } from "../db/queries/jobs.ts";
import { getPublishedModel } from "../db/queries/models.ts";
import { dailyEpoch, parseEpochId, runPayout, settlePayouts } from "../reward/tokens/payouts/executor.ts";
import { ensureFreshConsensus, runProjectConsensus } from "../reward/consensus/project-run.ts";
import { measureModelAgreement, prioritizeByUncertainty, trainProjectModel } from "../trainer/project-models.ts";
import { payoutContext } from "../app/utils/chain.server.ts";
import { db } from "../app/utils/db.server.ts";
import { modelsDir, withScorer } from "../app/utils/models.server.ts";

export interface JobContext {
  db: Db;
  /** Records progress on the job and extends its lock, so a long job is not taken for a dead worker's. */
  progress(progress: Record<string, unknown>): Promise<void>;
}

type Handler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<Record<string, unknown>>;

const LOCK_MS = 10 * 60_000;
/** New answers wait this long before consensus reruns, so a burst of answers costs one run. */
export const CONSENSUS_DEBOUNCE_MS = 5_000;

/**
 * Model in the loop: measures the project's published model against the current consensus and re-ranks the open
 * items by its uncertainty. Returns how many items were ranked (0 without a published model).
 */
async function followPublishedModel(db: Db, projectId: string): Promise<number> {
  const model = await getPublishedModel(db, projectId);
  if (!model) return 0;
  return withScorer(model.id, async (scorer) => {
    await measureModelAgreement(db, { projectId, modelId: model.id, scorer });
    return prioritizeByUncertainty(db, { projectId, scorer });
  });
}

const handlers: Record<string, Handler> = {
  consensus: async (payload, { db }) => {
    const projectId = String(payload.projectId);
    const outcome = await runProjectConsensus(db, projectId);
    if (outcome.status === "done") await followPublishedModel(db, projectId);
    return { ...outcome };
  },
  train: async (payload, { db, progress }) =>
    trainProjectModel(db, {
      modelId: String(payload.modelId),
      modelsDir: modelsDir(),
      refreshConsensus: (projectId) => ensureFreshConsensus(db, projectId),
      heartbeat: progress,
    }),
  prioritize: async (payload, { db }) => ({ prioritized: await followPublishedModel(db, String(payload.projectId)) }),
  payout: async (payload, { db }) => {
    const ctx = { ...(await payoutContext()), db };
    return { ...(await runPayout(ctx, { epoch: parseEpochId(String(payload.epoch)) })) };
  },
  "settle-payouts": async (_payload, { db }) => {
    const batches = await settlePayouts({ ...(await payoutContext()), db });
    return { batches: batches.length, confirmed: batches.filter((b) => b.status === "confirmed").length };
  },
};

/** Pays yesterday's epoch (UTC); re-running a paid epoch only settles what is left, such as newly linked wallets. */
export function queuePayout(epochId = dailyEpoch(new Date(Date.now() - 86_400_000)).id) {
  return enqueueJob(db, { kind: "payout", key: epochId, payload: { epoch: epochId } });
}

export function queueTraining(modelId: string) {
  return enqueueJob(db, { kind: "train", key: modelId, payload: { modelId } });
}

export function queuePrioritize(projectId: string) {
  return enqueueJob(db, { kind: "prioritize", key: projectId, payload: { projectId } });
}

export function queueSettlePayouts() {
  return enqueueJob(db, { kind: "settle-payouts", key: "all" });
}

export function queueConsensus(projectId: string, options: { now?: boolean } = {}) {
  return enqueueJob(db, {
    kind: "consensus",
    key: projectId,
    payload: { projectId },
    delayMs: options.now ? 0 : CONSENSUS_DEBOUNCE_MS,
  });
}

/**
 * Queues a (debounced) consensus run for every project that received answers since `afterLabelId`, and returns
 * the newest label id seen. Watching the labels table keeps the answer path free of queue writes, and catches
 * answers from every process and every route alike.
 */
export async function sweepNewAnswers(afterLabelId: number, database: Db = db): Promise<number> {
  const { projectIds, lastLabelId } = await projectsWithNewLabels(database, afterLabelId);
  for (const projectId of projectIds) await queueConsensus(projectId);
  return lastLabelId;
}

/** Training can take minutes, so it has a lane of its own and never holds up consensus runs or payouts. */
const LANES = [["train"], Object.keys(handlers).filter((kind) => kind !== "train")];

/** Runs due jobs (of the given kinds, default all) one after another until none is left; returns how many ran. */
export async function runDueJobs(database: Db = db, kinds: string[] = Object.keys(handlers)): Promise<number> {
  let ran = 0;
  for (;;) {
    const job = await claimJob(database, { kinds, lockMs: LOCK_MS });
    if (!job) return ran;
    ran++;
    const ctx: JobContext = {
      db: database,
      progress: (progress) => reportJobProgress(database, { id: job.id, progress, lockMs: LOCK_MS }),
    };
    try {
      const result = await handlers[job.kind](job.payload, ctx);
      await finishJob(database, { id: job.id, result });
    } catch (error) {
      console.error(`job ${job.id} (${job.kind}) failed:`, error);
      await finishJob(database, { id: job.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

const HOUR = 3_600_000;
const SWEEP_MS = 2_000;

/**
 * Polls the queue in the background of the app process (one lane for training, one for everything else), watches
 * for new answers, and queues the daily payout once an hour (a no-op for an epoch already paid); returns a
 * function that stops it all.
 */
export function startJobWorker(pollMs = 1_000): () => Promise<void> {
  let stopped = false;
  const schedule = () => void queuePayout().catch((error) => console.error("payout schedule:", error));
  schedule();
  const hourly = setInterval(schedule, HOUR);
  let watermark: Promise<number> = lastConsensusLabelId(db);
  const sweep = setInterval(() => {
    watermark = watermark
      .then((after) => sweepNewAnswers(after))
      .catch((error) => {
        console.error("consensus sweep:", error);
        return lastConsensusLabelId(db);
      });
  }, SWEEP_MS);
  const lanes = LANES.map((kinds) => {
    const lane = { current: Promise.resolve() as Promise<unknown>, timer: undefined as NodeJS.Timeout | undefined };
    const tick = () => {
      if (stopped) return;
      lane.current = runDueJobs(db, kinds)
        .catch((error) => console.error("job worker:", error))
        .finally(() => {
          if (!stopped) lane.timer = setTimeout(tick, pollMs);
        });
    };
    lane.timer = setTimeout(tick, pollMs);
    return lane;
  });
  return async () => {
    stopped = true;
    for (const lane of lanes) clearTimeout(lane.timer);
    clearInterval(hourly);
    clearInterval(sweep);
    await watermark.catch(() => {});
    await Promise.all(lanes.map((lane) => lane.current));
  };
}
