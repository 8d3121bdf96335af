import { goldByTask, LabelIndexer } from "./indexing.ts";
import { aggregateLabelMatrix } from "./labels.ts";
import type { LabelerQuality } from "./quality.ts";
import type { LabelMatrix } from "./types.ts";

/** One labeler's choice of any number of categories (possibly none) for one task. */
export interface CategorySetAnswer {
  task: string;
  worker: string;
  categories: readonly string[];
}

export interface TaskCategorySet {
  task: string;
  /** The categories more likely present than not, in the order of `categories`. */
  label: string[];
  /** Probability that each category applies. */
  probability: Record<string, number>;
  /** Mean over the categories of the probability of the call made (present or absent). */
  confidence: number;
  answers: number;
}

export interface CategorySetAggregate {
  tasks: TaskCategorySet[];
  /** Quality over the binary decisions: each answer counts once per category. */
  workers: LabelerQuality[];
  matrix: LabelMatrix;
}

const YES = "yes";
const NO = "no";

/**
 * Multi-label consensus: every (task, category) is a binary task "does it apply?", answered by everyone who
 * answered the task (ticked: yes; left out: no), and all of them go through one Dawid–Skene fit, so each
 * labeler has one yes/no confusion matrix over all categories. Gold tasks give every category's gold.
 */
export function aggregateCategorySets(
  answers: readonly CategorySetAnswer[],
  categories: readonly string[],
  gold: ReadonlyMap<string, readonly string[]> = new Map(),
): CategorySetAggregate {
  const indexer = new LabelIndexer();
  const decision = (task: string, k: number) => `${task}#${k}`;
  const answered = new Map<string, number>();
  for (const a of answers) {
    answered.set(a.task, (answered.get(a.task) ?? 0) + 1);
    categories.forEach((c, k) => indexer.add(decision(a.task, k), a.worker, a.categories.includes(c) ? YES : NO));
  }
  const m = indexer.finish([YES, NO]);
  const goldDecisions = new Map<string, string>();
  for (const [task, chosen] of gold)
    categories.forEach((c, k) => goldDecisions.set(decision(task, k), chosen.includes(c) ? YES : NO));
  const r = aggregateLabelMatrix(m, goldByTask(m, goldDecisions));
  const K = m.classIds.length;
  const yes = m.classIds.indexOf(YES);
  const row = new Map(m.taskIds.map((id, t) => [id, t]));
  const tasks = [...answered.keys()].sort().map((task): TaskCategorySet => {
    const p = categories.map((_, k) => r.posterior[row.get(decision(task, k))! * K + yes]);
    return {
      task,
      label: categories.filter((_, k) => p[k] > 0.5),
      probability: Object.fromEntries(categories.map((c, k) => [c, p[k]])),
      confidence: p.reduce((s, x) => s + Math.max(x, 1 - x), 0) / p.length,
      answers: answered.get(task)!,
    };
  });
  return { tasks, workers: r.workers, matrix: m };
}
