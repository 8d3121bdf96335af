import { DomainError } from "../db/errors.ts";
import { releaseTask, submitAnswer, type ShownAs } from "../db/queries/labeling.ts";
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

/** Applies one labeling action (answer, skip, flag) for a labeler; shared by the labeling page and the JSON API. */
export async function performTaskAction(db: Db, project: Project, labelerId: string, action: TaskAction) {
  const target = { assignmentId: action.assignmentId, labelerId, projectId: project.id };
  if (action.intent === "skip") return releaseTask(db, target);
  if (action.intent === "flag") return releaseTask(db, { ...target, flag: action.reason });
  const timing = {
    rationale: action.rationale,
    timeSpentMs: action.timeSpentMs,
    inputSignals: signalsToStore(project, action.inputSignals, action),
  };
  if (project.taskType === "form") {
    const { answers } = action;
    if (!answers) throw new DomainError("invalid_answer", "answers: give the form's answers by question name");
    return submitAnswer(db, {
      ...target,
      answer: {
        value: FORM_VALUE,
        answers: ({ responseOrder }: ShownAs) =>
          mapped(() => toStoredFormAnswers(project.questions ?? [], responseOrder ?? [], answers)),
        ...timing,
      },
    });
  }
  const { choice } = action;
  if (choice === undefined) throw new DomainError("invalid_answer", "choice: choose an answer");
  const decisive = project.taskType === "pairwise" && (choice === "left" || choice === "right");
  return submitAnswer(db, {
    ...target,
    answer: {
      value: ({ swapped }: ShownAs) => mapped(() => toStoredAnswer(project, swapped, choice)),
      strength: decisive ? (action.strength ?? null) : null,
      ...timing,
    },
  });
}
