import { listConsensusRuns } from "../../db/queries/consensus.ts";
import { latestJob } from "../../db/queries/jobs.ts";
import { listModels } from "../../db/queries/models.ts";
import { getProjectProgress, type Project } from "../../db/queries/projects.ts";
import { consensusJobJson } from "./consensus.server.ts";
import { db } from "./db.server.ts";
import { loadGenerations } from "./generation.server.ts";
import { modelJson } from "./project-models.server.ts";

/**
 * The part of a project's dashboard that changes while it is open: item counts, the consensus job, the model
 * versions (with training progress) and, on a form project, its response generations. `revision` changes when the
 * rest of the dashboard (charts, tables, buttons) is out of date: a new consensus run, or a version that changed
 * state.
 */
export async function loadProjectStatus(project: Project) {
  const projectId = project.id;
  const [progress, [lastRun], job, models, generations] = await Promise.all([
    getProjectProgress(db, projectId),
    listConsensusRuns(db, projectId, 1),
    latestJob(db, { kind: "consensus", key: projectId }),
    listModels(db, projectId),
    project.taskType === "form" ? loadGenerations(project) : null,
  ]);
  return {
    checkedAt: Date.now(),
    progress,
    consensusJob: consensusJobJson(job),
    models: models.map(modelJson),
    generations,
    revision: JSON.stringify([lastRun?.id ?? null, models.map((m) => [m.id, m.status, m.publishedAt !== null])]),
  };
}

export type ProjectStatus = Awaited<ReturnType<typeof loadProjectStatus>>;
