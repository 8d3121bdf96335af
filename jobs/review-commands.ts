// Review decisions that change which answers count, and the consensus rerun that follows from them.
import type { Db } from "../db/client.ts";
import { decideAppeal, reviewAnswers } from "../db/queries/reviews.ts";
import { queueConsensus } from "./queue.ts";

/**
 * Approves or rejects answers (reviewAnswers), then, when any changed, queues the project's consensus at once: a
 * rejected answer leaves it, so items' answers and labelers' quality are recomputed promptly.
 */
export async function reviewProjectAnswers(db: Db, params: Parameters<typeof reviewAnswers>[1]) {
  const result = await reviewAnswers(db, params);
  if (result.changed.length) await queueConsensus(db, params.projectId, { now: true });
  return result;
}

/** Decides an appeal (decideAppeal); an overturned rejection brings the answer back into consensus, queued at once. */
export async function decideProjectAppeal(db: Db, params: Parameters<typeof decideAppeal>[1]) {
  const result = await decideAppeal(db, params);
  if (result.decision === "overturned") await queueConsensus(db, params.projectId, { now: true });
  return result;
}
