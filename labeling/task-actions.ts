import { DomainError } from "../db/errors.ts";
import { leaseNextTaskIn, releaseTaskIn, submitAnswerIn, type ShownAs, type Task } from "../db/queries/labeling.ts";
import type { Project } from "../db/queries/projects.ts";
import { AnswerError, toStoredAnswer } from "./answers.ts";
import { toStoredFormAnswers } from "./form-answers.ts";
import { signalsToStore } from "./input-signals.ts";
import type { Db } from "../db/client.ts";
import type { FlagReason, TextInputSignals } from "../db/schema/index.ts";

/** Stored value of a form project's answer: what it says is in labels.answers. */
export const FORM_VALUE = "form";

export type TaskAction =
  | {
      intent: "answer";
      assignmentId: number;
      /** The fixed shapes: the on-screen choice (left/right/tie/both_bad, a rating, a category). */
      choice?: string;
      /** Form projects: each question's answer in screen terms (response slots). */
      answers?: Record<string, unknown>;
      strength?: number;
      rationale?: string;
      /** How each text answer was written, by question name (`rationale` for the fixed shapes); no content. */
      inputSignals?: Record<string, TextInputSignals>;
      timeSpentMs?: number;
    }
  | { intent: "skip"; assignmentId: number }
  | { intent: "flag"; assignmentId: number; reason: FlagReason };

/** Runs a mapping from screen terms, turning what the labeler got wrong into a 400-class domain error. */
function mapped<T>(map: () => T): T {
  try {
    return map();
  } catch (error) {
    if (error instanceof AnswerError) throw new DomainError("invalid_answer", error.message);
    throw error;
  }
}

/** Applies one labeling action (answer, skip, flag) for a labeler, in one transaction; used by the labeling page. */
export async function performTaskAction(db: Db, project: Project, labelerId: string, action: TaskAction) {
  await db.transaction((tx) => applyTaskAction(tx, project, labelerId, action));
}

export type ActedThenLeased =
  | { task: Task | null; stopped?: undefined }
  /** The action was stored, but no next task can be leased (out of funds, closed, paused…). */
  | { task: null; stopped: DomainError };

/**
 * The JSON API's round trip: applies the action and leases the next task in one transaction. The action is kept
 * when the lease is refused (`stopped` says why); anything wrong with the action itself stores nothing.
 */
export async function performTaskActionThenLease(
  db: Db,
  project: Project,
  labelerId: string,
  action: TaskAction,
): Promise<ActedThenLeased> {
  return db.transaction(async (tx) => {
    await applyTaskAction(tx, project, labelerId, action);
    try {
      return { task: await leaseNextTaskIn(tx, { projectId: project.id, labelerId }) };
    } catch (error) {
      if (error instanceof DomainError) return { task: null, stopped: error };
      throw error;
    }
  });
}

async function applyTaskAction(tx: Db, project: Project, labelerId: string, action: TaskAction): Promise<void> {
  const target = { assignmentId: action.assignmentId, labelerId, projectId: project.id };
  if (action.intent === "skip") return releaseTaskIn(tx, target);
  if (action.intent === "flag") return releaseTaskIn(tx, { ...target, flag: action.reason });
  const timing = {
    rationale: action.rationale,
    timeSpentMs: action.timeSpentMs,
    inputSignals: signalsToStore(project, action.inputSignals, action),
  };
  if (project.taskType === "form") {
    const { answers } = action;
    if (!answers) throw new DomainError("invalid_answer", "answers: give the form's answers by question name");
    await submitAnswerIn(tx, {
      ...target,
      answer: {
        value: FORM_VALUE,
        answers: ({ responseOrder }: ShownAs) =>
          mapped(() => toStoredFormAnswers(project.questions ?? [], responseOrder ?? [], answers)),
        ...timing,
      },
    });
    return;
  }
  const { choice } = action;
  if (choice === undefined) throw new DomainError("invalid_answer", "choice: choose an answer");
  const decisive = project.taskType === "pairwise" && (choice === "left" || choice === "right");
  await submitAnswerIn(tx, {
    ...target,
    answer: {
      value: ({ swapped }: ShownAs) => mapped(() => toStoredAnswer(project, swapped, choice)),
      strength: decisive ? (action.strength ?? null) : null,
      ...timing,
    },
  });
}
