import type { Task } from "../db/queries/labeling.ts";
import type { Message, Question } from "../db/schema/index.ts";
import { slotAt } from "./form-answers.ts";

/** What the browser gets: responses already in this assignment's on-screen order, without the order itself. */
export type TaskView =
  | { kind: "pairwise"; assignmentId: number; prompt: string; left: string; right: string }
  | { kind: "rating"; assignmentId: number; prompt: string; response: string }
  | { kind: "label"; assignmentId: number; text: string }
  | {
      kind: "form";
      assignmentId: number;
      prompt?: string;
      messages?: Message[];
      questions: Question[];
      /** On-screen order; a slot (A, B, …) names a response in answers. Model names are withheld (no brand bias). */
      responses: { slot: string; text: string }[];
    };

export function toTaskView(task: Task, questions: Question[] | null): TaskView {
  const c = task.content;
  if (c.kind === "pairwise") {
    const [left, right] = task.swapped ? [c.responseB, c.responseA] : [c.responseA, c.responseB];
    return { kind: "pairwise", assignmentId: task.assignmentId, prompt: c.prompt, left, right };
  }
  if (c.kind === "rating")
    return { kind: "rating", assignmentId: task.assignmentId, prompt: c.prompt, response: c.response };
  if (c.kind === "label") return { kind: "label", assignmentId: task.assignmentId, text: c.text };
  const order = task.responseOrder ?? c.responses.map((_, i) => i);
  return {
    kind: "form",
    assignmentId: task.assignmentId,
    ...(c.messages ? { messages: c.messages } : { prompt: c.prompt }),
    questions: questions ?? [],
    responses: order.map((index, position) => ({ slot: slotAt(position), text: c.responses[index].text })),
  };
}
