import type { Db } from "../db/client.ts";
import { enqueueJob } from "../db/queries/jobs.ts";
import { previousEpoch } from "../reward/tokens/payouts/epochs.ts";

/** New answers wait this long before consensus reruns, so a burst of answers costs one run. */
export const CONSENSUS_DEBOUNCE_MS = 5_000;
/**
 * ...and at least this many times as long as the project's last run took, so a big project's reruns (a minute each
 * at a million answers) take at most about a fifth of the jobs process, however fast answers come.
 */
export const CONSENSUS_PACING = 4;

/** Pays an epoch (default yesterday, UTC); re-running a paid epoch only settles what is left. */
export function queuePayout(db: Db, epochId = previousEpoch(new Date()).id) {
  return enqueueJob(db, { kind: "payout", key: epochId, payload: { epoch: epochId } });
}

export function queueTraining(db: Db, modelId: string) {
  return enqueueJob(db, { kind: "train", key: modelId, payload: { modelId } });
}

export function queuePrioritize(db: Db, projectId: string) {
  return enqueueJob(db, { kind: "prioritize", key: projectId, payload: { projectId } });
}

export function queueSettlePayouts(db: Db) {
  return enqueueJob(db, { kind: "settle-payouts", key: "all" });
}

export function queueConsensus(db: Db, projectId: string, options: { now?: boolean } = {}) {
  return enqueueJob(db, {
    kind: "consensus",
    key: projectId,
    payload: { projectId },
    ...(options.now ? {} : { delayMs: CONSENSUS_DEBOUNCE_MS, pacing: CONSENSUS_PACING }),
  });
}

/** Commits a project's new gold items on chain (their items are served once it is finalized). */
export function queueGoldCommitment(db: Db, projectId: string, options: { attempt?: number; delayMs?: number } = {}) {
  return enqueueJob(db, {
    kind: "gold-commit",
    key: projectId,
    payload: { projectId, attempt: options.attempt ?? 0 },
    delayMs: options.delayMs ?? 0,
  });
}

/** Fills the items a response generation covers from the upstream LLM (db/schema/generation.ts). */
export function queueResponseGeneration(db: Db, generationId: string) {
  return enqueueJob(db, { kind: "generate-responses", key: generationId, payload: { generationId } });
}
