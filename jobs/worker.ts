import type { Db } from "../db/client.ts";
import { lastConsensusLabelId } from "../db/queries/consensus.ts";
import { claimJob, finishJob, reportJobProgress } from "../db/queries/jobs.ts";
import { sweepNewAnswers } from "./answer-sweeper.ts";
import { scheduleDailyPayouts } from "./epoch-calendar.ts";
import { jobHandlers, jobLanes, type JobContext } from "./handlers.ts";
import type { Services } from "./services.ts";

const LOCK_MS = 10 * 60_000;
const SWEEP_MS = 2_000;

/** Runs due jobs (of the given kinds, default all) one after another until none is left; returns how many ran. */
export async function runDueJobs(services: Services, kinds?: string[], db: Db = services.db): Promise<number> {
  const handlers = jobHandlers(services);
  const claimable = kinds ?? Object.keys(handlers);
  let ran = 0;
  for (;;) {
    const job = await claimJob(db, { kinds: claimable, lockMs: LOCK_MS });
    if (!job) return ran;
    ran++;
    const ctx: JobContext = {
      db,
      progress: (progress) => reportJobProgress(db, { id: job.id, progress, lockMs: LOCK_MS }),
    };
    try {
      const result = await handlers[job.kind](job.payload, ctx);
      await finishJob(db, { id: job.id, result });
    } catch (error) {
      console.error(`job ${job.id} (${job.kind}) failed:`, error);
      await finishJob(db, { id: job.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

/**
 * Polls the queue in the background (one lane for training, one for everything else), watches for new answers,
 * and queues the daily payout once an hour; returns a function that stops it all.
 */
export function startJobWorker(services: Services, pollMs = 1_000): () => Promise<void> {
  const { db } = services;
  let stopped = false;
  const stopCalendar = scheduleDailyPayouts(db);
  let watermark: Promise<number> = lastConsensusLabelId(db);
  const sweep = setInterval(() => {
    watermark = watermark
      .then((after) => sweepNewAnswers(db, after))
      .catch((error) => {
        console.error("consensus sweep:", error);
        return lastConsensusLabelId(db);
      });
  }, SWEEP_MS);
  const lanes = jobLanes(jobHandlers(services)).map((kinds) => {
    const lane = { current: Promise.resolve() as Promise<unknown>, timer: undefined as NodeJS.Timeout | undefined };
    const tick = () => {
      if (stopped) return;
      lane.current = runDueJobs(services, kinds)
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
    stopCalendar();
    clearInterval(sweep);
    await watermark.catch(() => {});
    await Promise.all(lanes.map((lane) => lane.current));
  };
}
