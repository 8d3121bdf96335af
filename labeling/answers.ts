import type { Project } from "../db/queries/projects.ts";

export const PAIRWISE_CHOICES = ["left", "right", "tie", "both_bad"] as const;

export class AnswerError extends Error {}

/**
 * Maps what the labeler picked on screen to the stored answer: for pairs, left/right become the item's own a/b
 * (undoing this assignment's random order); ratings must be integers on the project's scale; labels one of its
 * categories.
 */
export function toStoredAnswer(
  project: Pick<Project, "taskType" | "categories" | "ratingMin" | "ratingMax">,
  swapped: boolean,
  choice: string,
): string {
  switch (project.taskType) {
    case "pairwise":
      if (choice === "left") return swapped ? "b" : "a";
      if (choice === "right") return swapped ? "a" : "b";
      if (choice === "tie" || choice === "both_bad") return choice;
      throw new AnswerError(`choice must be one of ${PAIRWISE_CHOICES.join(", ")}`);
    case "rating": {
      const n = Number(choice);
      if (!Number.isInteger(n) || n < (project.ratingMin ?? 1) || n > (project.ratingMax ?? 5))
        throw new AnswerError(`rating must be an integer from ${project.ratingMin} to ${project.ratingMax}`);
      return String(n);
    }
    case "label":
      if (!(project.categories ?? []).includes(choice))
        throw new AnswerError(`label must be one of ${(project.categories ?? []).join(", ")}`);
      return choice;
    case "form":
      throw new AnswerError("a form project takes answers by question name, not a choice");
  }
}
