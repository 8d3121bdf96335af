import type { Task } from "../db/queries/labeling.ts";

/** What the browser gets: pair responses already in this assignment's on-screen order, without the order itself. */
export type TaskView =
  | { kind: "pairwise"; assignmentId: number; prompt: string; left: string; right: string }
  | { kind: "rating"; assignmentId: number; prompt: string; response: string }
  | { kind: "label"; assignmentId: number; text: string };

export function toTaskView(task: Task): TaskView {
  const c = task.content;
  if (c.kind === "pairwise") {
    const [left, right] = task.swapped ? [c.responseB, c.responseA] : [c.responseA, c.responseB];
    return { kind: "pairwise", assignmentId: task.assignmentId, prompt: c.prompt, left, right };
  }
  if (c.kind === "rating")
    return { kind: "rating", assignmentId: task.assignmentId, prompt: c.prompt, response: c.response };
  return { kind: "label", assignmentId: task.assignmentId, text: c.text };
}
