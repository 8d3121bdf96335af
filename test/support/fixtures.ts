import { Readable } from "node:stream";
import type { Db } from "../../db/client.ts";
import { ingestDataset } from "../../datasets/index.ts";
import { leaseNextTask, submitAnswer } from "../../db/queries/labeling.ts";
import { recordFunding } from "../../db/queries/funds.ts";
import { createProject, type NewProject } from "../../db/queries/projects.ts";
import { createUser } from "../../db/queries/identity.ts";
import type { Role } from "../../db/schema/index.ts";

let counter = 0;

export async function makeUser(db: Db, role: Role, name: string = role) {
  counter++;
  const user = await createUser(db, {
    email: `${name}-${counter}-${Date.now()}@example.test`,
    name: `${name} ${counter}`,
    passwordHash: "not-used",
    role,
  });
  return user!;
}

/**
 * A project funded with `funded` base units (default: its whole budget, recorded as an admin's off-chain funding),
 * so it can pay; `funded: 0n` leaves it unfunded.
 */
export async function makeProject(db: Db, ownerId: string, overrides: Partial<NewProject> & { funded?: bigint } = {}) {
  const { funded, ...fields } = overrides;
  const project = await createProject(db, {
    ownerId,
    title: "Test project",
    instructions: "Pick the better answer.",
    taskType: "pairwise",
    labelsPerItem: 3,
    rewardPerLabel: 100n,
    budget: 1_000_000n,
    ...fields,
  });
  await fundProject(db, project.id, funded ?? project.budget);
  return project;
}

/** Records an off-chain funding of the project, as an admin would (nothing when `amount` is 0). */
export async function fundProject(db: Db, projectId: string, amount: bigint) {
  if (amount > 0n) await recordFunding(db, { projectId, kind: "admin_credit", amount, reason: "test funding" });
}

export function pairLines(n: number, prefix = "item") {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `${prefix}-${i}`, prompt: `prompt ${i}`, response_a: `a ${i}`, response_b: `b ${i}` }),
  ).join("\n");
}

export async function uploadPairs(db: Db, project: Awaited<ReturnType<typeof makeProject>>, n: number) {
  return ingestDataset(db, { project, input: Readable.from([pairLines(n)]), filename: "pairs.jsonl", format: "jsonl" });
}

/**
 * The labeler answers the tasks offered on the project, at most `limit` of them, with `answer(n, swapped)`: n is
 * the first number in the item's text or prompt (-1 if none), swapped whether the screen showed B on the left.
 */
export async function answerTasks(
  db: Db,
  params: { projectId: string; labelerId: string; answer: (n: number, swapped: boolean) => string; limit?: number },
): Promise<void> {
  const { projectId, labelerId, answer, limit = Infinity } = params;
  for (let done = 0; done < limit; done++) {
    const task = await leaseNextTask(db, { projectId, labelerId });
    if (!task) return;
    const text =
      task.content.kind === "label" ? task.content.text : task.content.kind === "pairwise" ? task.content.prompt : "";
    const n = Number(/(\d+)/.exec(text)?.[1] ?? -1);
    await submitAnswer(db, {
      assignmentId: task.assignmentId,
      labelerId,
      answer: { value: ({ swapped }) => answer(n, swapped) },
    });
  }
}
