// What a requester is told before training or publishing a project's reward model.
import type { Db } from "../db/client.ts";
import { exportPreferences, formPreferencePairs } from "../db/queries/exports.ts";
import type { Project } from "../db/queries/projects.ts";
import { MIN_TRAINING_PAIRS } from "../trainer/project-models.ts";

/** How many consensus preferences a model trained now would learn from (the pairs trainer/project-models.ts reads). */
export async function countTrainingPairs(db: Db, project: Project): Promise<number> {
  const pairs =
    project.taskType === "form" && project.questions
      ? formPreferencePairs(db, { id: project.id, questions: project.questions })
      : exportPreferences(db, project.id);
  let n = 0;
  for await (const _pair of pairs) n++;
  return n;
}

export interface TrainingReadiness {
  pairs: number;
  minimum: number;
}

export async function trainingReadiness(db: Db, project: Project): Promise<TrainingReadiness> {
  return { pairs: await countTrainingPairs(db, project), minimum: MIN_TRAINING_PAIRS };
}

export function notEnoughPairsMessage({ pairs, minimum }: TrainingReadiness): string {
  return `Training needs at least ${minimum} items with a consensus preference; the project has ${pairs} so far.`;
}

export interface HeldOutComparison {
  /** Share of held-out pairs the model orders like the consensus (null: no held-out split). */
  accuracy: number | null;
  /** The same share for "the longer response wins". */
  baseline: number | null;
  /** Unmeasured, or worse than the length heuristic: publishing it takes a confirmation. */
  weak: boolean;
}

export function heldOutComparison(metrics: unknown): HeldOutComparison {
  const heldOut = (metrics as { heldOut?: { accuracy?: number; lengthBaselineAccuracy?: number } | null } | null)
    ?.heldOut;
  const accuracy = heldOut?.accuracy ?? null;
  const baseline = heldOut?.lengthBaselineAccuracy ?? null;
  return { accuracy, baseline, weak: accuracy === null || (baseline !== null && accuracy < baseline) };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function weakModelMessage(version: number, accuracy: number | null, baseline: number | null): string {
  if (accuracy === null) return `Version ${version} has no held-out accuracy: confirm to publish it unmeasured.`;
  return `Version ${version} ranks ${pct(accuracy)} of held-out pairs like the consensus, below the ${pct(baseline ?? 0)} of "the longer response wins": confirm to publish it anyway.`;
}
