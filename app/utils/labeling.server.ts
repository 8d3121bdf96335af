import type { z } from "zod";
import { DomainError } from "../../db/errors.ts";
import { getAssignmentSwap, releaseTask, submitAnswer } from "../../db/queries/assignments.ts";
import type { Project } from "../../db/queries/projects.ts";
import { AnswerError, toStoredAnswer } from "./answers.ts";
import { db } from "./db.server.ts";
import { rateLimit } from "./rate-limit.server.ts";
import type { TaskActionSchema } from "./schemas.ts";

/** Applies one labeling action (answer, skip, flag) for a labeler; shared by the labeling page and the JSON API. */
export async function performTaskAction(project: Project, labelerId: string, action: z.infer<typeof TaskActionSchema>) {
  await rateLimit("answer", labelerId);
  if (action.intent === "skip") return releaseTask(db, { assignmentId: action.assignmentId, labelerId });
  if (action.intent === "flag")
    return releaseTask(db, { assignmentId: action.assignmentId, labelerId, flag: action.reason });
  const swapped = await getAssignmentSwap(db, { assignmentId: action.assignmentId, labelerId, projectId: project.id });
  let value: string;
  try {
    value = toStoredAnswer(project, swapped, action.choice);
  } catch (error) {
    if (error instanceof AnswerError) throw new DomainError("invalid_answer", error.message);
    throw error;
  }
  await submitAnswer(db, {
    assignmentId: action.assignmentId,
    labelerId,
    answer: {
      value,
      strength: project.taskType === "pairwise" && (value === "a" || value === "b") ? (action.strength ?? null) : null,
      rationale: action.rationale,
      timeSpentMs: action.timeSpentMs,
    },
  });
}
