import type { Db } from "../db/client.ts";
import { lastConsensusLabelId, projectsWithNewLabels } from "../db/queries/consensus.ts";
import { advanceWorkerMark } from "../db/queries/jobs.ts";
import { queueConsensus } from "./queue.ts";

/**
 * Queues a (debounced) consensus run for every project that received answers since `afterLabelId`, and returns
 * the newest label id seen. Watching the labels table keeps the answer path free of queue writes, and catches
 * answers from every process and every route alike.
 */
export async function sweepNewAnswers(db: Db, afterLabelId: number): Promise<number> {
  const { projectIds, lastLabelId } = await projectsWithNewLabels(db, afterLabelId);
  for (const projectId of projectIds) await queueConsensus(db, projectId);
  return lastLabelId;
}

/**
 * One sweep from the watermark every app process shares (the worker_marks row "answer-sweeper"), so N processes
 * sweep each answer once; returns the new watermark, or null when another process is sweeping right now.
 */
export function sweepFromSharedMark(db: Db): Promise<number | null> {
  return advanceWorkerMark(db, { name: "answer-sweeper", initial: lastConsensusLabelId, step: sweepNewAnswers });
}
