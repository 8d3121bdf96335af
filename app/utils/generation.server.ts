import { parseWithZod } from "@conform-to/zod";
import type { z } from "zod";
import { DomainError } from "../../db/errors.ts";
import {
  countAwaitingItems,
  hasActiveGeneration,
  listGenerationErrors,
  listGenerations,
  type Generation,
  type GenerationError,
} from "../../db/queries/generation.ts";
import type { Project } from "../../db/queries/projects.ts";
import { responsesNeeded } from "../../db/schema/index.ts";
import { startGeneration } from "../../jobs/generate-responses.ts";
import { NO_UPSTREAM, upstreamConfig } from "../../jobs/upstream-llm.ts";
import { ApiError } from "./api.server.ts";
import { db } from "./db.server.ts";
import { GenerationSchema } from "./schemas.ts";
import { services } from "./services.server.ts";

export function generationJson(g: Generation, errors: GenerationError[] = []) {
  return {
    id: g.id,
    status: g.status,
    models: g.models,
    n: g.n,
    temperature: g.temperature,
    itemsTotal: g.itemsTotal,
    itemsDone: g.itemsDone,
    itemsFailed: g.itemsFailed,
    error: g.error,
    /** The first failed items (itemsFailed counts them all). */
    errors: errors.map((e) => ({ item: e.externalId, message: e.message, attempts: e.attempts })),
    createdAt: g.createdAt.toISOString(),
    startedAt: g.startedAt?.toISOString() ?? null,
    finishedAt: g.finishedAt?.toISOString() ?? null,
  };
}

/** How many responses a generation may give each item of this form project (refused for other projects). */
function responsesAllowed(project: Project): { min: number; max: number } {
  if (project.taskType !== "form" || !project.questions)
    throw new ApiError(409, "not_a_form", "Responses are generated for form projects only");
  const { min, max } = responsesNeeded(project.questions);
  return { min: Math.max(1, min), max };
}

/** The project's generations with their progress and failed items, and what a new one needs. */
export async function loadGenerations(project: Project) {
  const [awaitingItems, generations] = await Promise.all([
    countAwaitingItems(db, project.id),
    listGenerations(db, project.id),
  ]);
  const errors = await listGenerationErrors(
    db,
    generations.filter((g) => g.itemsFailed > 0).map((g) => g.id),
  );
  const config = upstreamConfig(services.env);
  return {
    upstream: config ? { defaultModel: config.model } : null,
    awaitingItems,
    responses: project.taskType === "form" && project.questions ? responsesAllowed(project) : null,
    generations: generations.map((g) =>
      generationJson(
        g,
        errors.filter((e) => e.generationId === g.id),
      ),
    ),
  };
}

const count = (n: number) => (n === 1 ? "1 response" : `${n} responses`);

/**
 * Queues a generation for the project's waiting items, or refuses it: not a form project, closed, no upstream
 * configured (503), an `n` the form cannot use, more models than responses, nothing waiting, one running already.
 */
export async function startProjectGeneration(project: Project, input: z.infer<typeof GenerationSchema>) {
  const allowed = responsesAllowed(project);
  if (project.closedAt) throw new ApiError(409, "project_closed", "This project is closed");
  const config = upstreamConfig(services.env);
  if (!config) throw new ApiError(503, "no_upstream", NO_UPSTREAM);
  const models = input.models ?? [config.model];
  const invalid = (field: string, message: string) =>
    new ApiError(400, "invalid_input", `${field}: ${message}`, [{ field, message }]);
  if (input.n < allowed.min || input.n > allowed.max)
    throw invalid(
      "n",
      allowed.min === allowed.max
        ? `this form needs exactly ${count(allowed.min)} per item`
        : `this form takes from ${allowed.min} to ${allowed.max} responses per item`,
    );
  if (models.length > input.n)
    throw invalid("models", `${models.length} models cannot share ${count(input.n)} per item: name at most ${input.n}`);
  if ((await countAwaitingItems(db, project.id)) === 0)
    throw new ApiError(409, "nothing_to_generate", "No item of this project is waiting for responses");
  if (await hasActiveGeneration(db, project.id))
    throw new ApiError(409, "generation_running", "A generation is already running for this project");
  try {
    return generationJson(
      await startGeneration(db, { projectId: project.id, models, n: input.n, temperature: input.temperature }),
    );
  } catch (error) {
    // Two requests at once: the second is refused by the database.
    if (error instanceof DomainError && error.code === "generation_running")
      throw new ApiError(409, error.code, error.message);
    throw error;
  }
}

/** The dashboard's "generate" form: the API's checks, with each refusal as a message for the page. */
export async function generateFromForm(project: Project, formData: FormData) {
  const submission = parseWithZod(formData, { schema: GenerationSchema });
  if (submission.status !== "success")
    return {
      message: null,
      errors: Object.values(submission.error ?? {})
        .flat()
        .filter(Boolean) as string[],
    };
  try {
    const g = await startProjectGeneration(project, submission.value);
    return { message: `Generating ${count(g.n)} for each of ${g.itemsTotal} items…`, errors: null };
  } catch (error) {
    if (error instanceof ApiError) return { message: null, errors: [error.message] };
    throw error;
  }
}
