import { DomainError } from "../db/errors.ts";
import { releaseTask, submitAnswer } from "../db/queries/labeling.ts";
import type { Project } from "../db/queries/projects.ts";
import { AnswerError, toStoredAnswer } from "./answers.ts";
import type { Db } from "../db/client.ts";
import type { FlagReason } from "../db/schema/index.ts";

export type TaskAction =
  | {
      intent: "answer";
      assignmentId: number;
      choice: string;
      strength?: number;
      rationale?: string;
      timeSpentMs?: number;
    }
  | { intent: "skip"; assignmentId: number }
  | { intent: "flag"; assignmentId: number; reason: FlagReason };

/** Applies one labeling action (answer, skip, flag) for a labeler; shared by the labeling page and the JSON API. */
export async function performTaskAction(db: Db, project: Project, labelerId: string, action: TaskAction) {
  const target = { assignmentId: action.assignmentId, labelerId, projectId: project.id };
  if (action.intent === "skip") return releaseTask(db, target);
  if (action.intent === "flag") return releaseTask(db, { ...target, flag: action.reason });
  const value = (swapped: boolean) => {
    try {
      return toStoredAnswer(project, swapped, action.choice);
    } catch (error) {
      if (error instanceof AnswerError) throw new DomainError("invalid_answer", error.message);
      throw error;
    }
  };
  const decisive = project.taskType === "pairwise" && (action.choice === "left" || action.choice === "right");
  await submitAnswer(db, {
    ...target,
    answer: {
      value,
      strength: decisive ? (action.strength ?? null) : null,
      rationale: action.rationale,
      timeSpentMs: action.timeSpentMs,
    },
  });
}
