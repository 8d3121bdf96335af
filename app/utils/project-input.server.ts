import type { z } from "zod";
import { questionsSchema } from "../../db/schema/questions.ts";
import { approvalDelayHoursOf, parseCategories, type createProjectSchema } from "./schemas.ts";

/** Maps the validated form/API input onto createProject's parameters. */
export function toNewProject(ownerId: string, value: z.infer<ReturnType<typeof createProjectSchema>>) {
  return {
    ownerId,
    title: value.title,
    instructions: value.instructions,
    taskType: value.taskType,
    labelsPerItem: value.labelsPerItem,
    rewardPerLabel: value.rewardPerLabel,
    budget: value.budget,
    categories: value.taskType === "label" ? parseCategories(value.categories) : null,
    ratingMin: value.taskType === "rating" ? value.ratingMin : null,
    ratingMax: value.taskType === "rating" ? value.ratingMax : null,
    questions: value.taskType === "form" ? questionsSchema.parse(JSON.parse(value.questions!)) : null,
    leaseSeconds: value.leaseMinutes * 60,
    approvalDelayHours: approvalDelayHoursOf(value),
  };
}
