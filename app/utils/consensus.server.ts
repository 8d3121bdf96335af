import type { z } from "zod";
import {
  countLowConfidence,
  listConsensusRuns,
  listLabelerQuality,
  raiseLabelsWanted,
} from "../../db/queries/consensus.ts";
import { latestJob, type Job } from "../../db/queries/jobs.ts";
import type { Project } from "../../db/queries/projects.ts";
import { db } from "./db.server.ts";
import { labelerPseudonym } from "./pseudonyms.server.ts";
import { changeQualityThreshold, recomputeConsensus } from "../../jobs/project-commands.ts";
import type { ConsensusActionSchema } from "./schemas.ts";

/** Items below this confidence are offered for more answers by default. */
export const LOW_CONFIDENCE = 0.7;

/** The latest consensus job of a project, as the dashboard shows it. */
export function consensusJobJson(job: Job | null) {
  return job
    ? { status: job.status, error: job.error, result: job.result, finishedAt: job.finishedAt?.toISOString() ?? null }
    : null;
}

/** What the requester's dashboard shows about consensus and labeler quality. */
export async function loadProjectQuality(projectId: string) {
  const [runs, labelers, job, lowConfidence] = await Promise.all([
    listConsensusRuns(db, projectId),
    listLabelerQuality(db, projectId),
    latestJob(db, { kind: "consensus", key: projectId }),
    countLowConfidence(db, { projectId, below: LOW_CONFIDENCE }),
  ]);
  return {
    runs: runs.map((r) => ({
      at: r.createdAt.toISOString(),
      method: r.method,
      answers: r.answers,
      items: r.items,
      labelers: r.labelers,
      krippendorffAlpha: r.krippendorffAlpha,
      fleissKappa: r.fleissKappa,
      meanConfidence: r.meanConfidence,
      confidenceBins: r.confidenceBins,
      durationMs: r.durationMs,
    })),
    // By pseudonym only: what the requester needs to judge the work, nothing that identifies the person.
    labelers: labelers.map(({ labelerId, projectId: _project, name: _name, email: _email, ...l }) => ({
      labeler: labelerPseudonym(projectId, labelerId),
      ...l,
      pausedAt: l.pausedAt?.toISOString() ?? null,
      computedAt: l.computedAt.toISOString(),
    })),
    job: consensusJobJson(job),
    lowConfidence,
    lowConfidenceCutoff: LOW_CONFIDENCE,
  };
}

export async function performConsensusAction(project: Project, action: z.infer<typeof ConsensusActionSchema>) {
  switch (action.intent) {
    case "recompute":
      await recomputeConsensus(db, project.id);
      return { message: "Consensus will be recomputed in a moment." };
    case "raise-k": {
      const n = await raiseLabelsWanted(db, { projectId: project.id, below: action.below, extra: action.extra });
      return {
        message: `${n} item${n === 1 ? "" : "s"} sent out for ${action.extra} more answer${action.extra === 1 ? "" : "s"} each.`,
      };
    }
    case "threshold":
      await changeQualityThreshold(db, { projectId: project.id, threshold: action.threshold });
      return {
        message:
          action.threshold === null
            ? "Labelers will no longer be paused for low quality."
            : `Labelers under quality ${action.threshold} will be paused.`,
      };
  }
}
