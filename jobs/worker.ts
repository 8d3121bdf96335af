import type { Db } from "../db/client.ts";
import { claimJob, extendJobLock, finishJob, reportJobProgress } from "../db/queries/jobs.ts";
import { sweepFromSharedMark } from "./answer-sweeper.ts";
import { scheduleDailyPayouts } from "./epoch-calendar.ts";
import { queueUncommittedGold } from "./gold-commitments.ts";
import { jobHandlers, jobLanes, type Handler, type JobContext } from "./handlers.ts";
import type { Services } from "./services.ts";

/**
 * A claimed job is locked this long and its worker extends the lock every HEARTBEAT_MS while it runs, so the job of
 * a worker that died (killed, out of memory) is claimed again within seconds, and a long one is never taken twice.
 */
const LOCK_MS = 30_000;
const HEARTBEAT_MS = 10_000;
const SWEEP_MS = 2_000;

export interface RunOptions {
  /** Job kinds to claim (default: every kind the handlers know). */
  kinds?: string[];
  db?: Db;
  lockMs?: number;
  heartbeatMs?: number;
  handlers?: Record<string, Handler>;
}

/** Runs due jobs (of the given kinds, default all) one after another until none is left; returns how many ran. */
export async function runDueJobs(services: Services, options: RunOptions = {}): Promise<number> {
  const { db = services.db, lockMs = LOCK_MS, heartbeatMs = HEARTBEAT_MS } = options;
  const handlers = options.handlers ?? jobHandlers(services);
  const claimable = options.kinds ?? Object.keys(handlers);
  let ran = 0;
  for (;;) {
    const job = await claimJob(db, { kinds: claimable, lockMs });
    if (!job) return ran;
    ran++;
    const ctx: JobContext = {
      db,
      progress: (progress) => reportJobProgress(db, { id: job.id, progress, lockMs }),
    };
    const heartbeat = setInterval(
      () => void extendJobLock(db, { id: job.id, lockMs }).catch((e) => console.error("job heartbeat:", e)),
      heartbeatMs,
    );
    try {
      const result = await handlers[job.kind](job.payload, ctx);
      await finishJob(db, { id: job.id, result });
    } catch (error) {
      console.error(`job ${job.id} (${job.kind}) failed:`, error);
      await finishJob(db, { id: job.id, error: error instanceof Error ? error.message : String(error) });
    } finally {
      clearInterval(heartbeat);
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
  void queueUncommittedGold(db).catch((error) => console.error("gold commitments:", error));
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweep = setInterval(() => {
    sweeping = sweeping.then(() => sweepFromSharedMark(db)).catch((error) => console.error("consensus sweep:", error));
  }, SWEEP_MS);
  const lanes = jobLanes(jobHandlers(services)).map((kinds) => {
    const lane = { current: Promise.resolve() as Promise<unknown>, timer: undefined as NodeJS.Timeout | undefined };
    const tick = () => {
      if (stopped) return;
      lane.current = runDueJobs(services, { kinds })
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
    await sweeping;
    await Promise.all(lanes.map((lane) => lane.current));
  };
}
