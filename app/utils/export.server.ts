import {
  exportConsensus,
  exportFormConsensus,
  exportFormFollowUp,
  exportFormPreferences,
  exportFormRatings,
  exportFormRawAnswers,
  exportFormSft,
  exportPreferences,
  exportRawAnswers,
  type FormProject,
} from "../../db/queries/exports.ts";
import type { Project } from "../../db/queries/projects.ts";
import { collectsPreferences, type Question, type TextInputSignals } from "../../db/schema/index.ts";
import { pastedFields, RATIONALE } from "../../labeling/input-signals.ts";
import { ensureFreshConsensus } from "../../reward/consensus/project-run.ts";
import { db } from "./db.server.ts";
import { labelerPseudonym } from "./pseudonyms.server.ts";
import { ExportParamsSchema, type ExportParams } from "./schemas.ts";

export const EXPORT_KINDS = ["preferences", "ratings", "sft", "followup", "consensus", "raw"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export function isExportKind(kind: string | null | undefined): kind is ExportKind {
  return (EXPORT_KINDS as readonly string[]).includes(kind ?? "");
}

/** The export asked for does not fit the project, or a parameter is wrong: a 400 with `message` for the requester. */
export class ExportRequestError extends Error {
  override name = "ExportRequestError";
  constructor(
    readonly code: "invalid_kind" | "invalid_parameter",
    message: string,
  ) {
    super(message);
  }
}

/** The exports a project's dashboard offers: what its task type or form can give, with a label for the button. */
export function exportsFor(project: Pick<Project, "taskType" | "questions">): { href: string; label: string }[] {
  const questions = project.questions ?? [];
  const has = (type: Question["type"]) => questions.some((q) => q.type === type);
  const compares = collectsPreferences(project);
  const rewrites = questions.some((q) => q.type === "text" && q.prefill === "best");
  return [
    ...(compares ? [{ href: "preferences", label: "Preferences (TRL JSONL)" }] : []),
    ...(has("rating") ? [{ href: "ratings", label: "Ratings per response" }] : []),
    ...(rewrites ? [{ href: "sft", label: "Rewrites for SFT" }] : []),
    ...(compares && project.taskType === "form" ? [{ href: "sft?best=1", label: "SFT with best responses" }] : []),
    ...(rewrites ? [{ href: "followup", label: "Rewrites as items to rate (follow-up project)" }] : []),
    { href: "consensus", label: "Consensus with confidence" },
    { href: "raw", label: "Raw answers" },
  ];
}

/** The kinds each parameter belongs to. */
const PARAMETER_KINDS: Record<keyof ExportParams, ExportKind[]> = {
  pairs: ["preferences"],
  best: ["sft"],
  question: ["sft", "followup"],
};

/** An export's parameters from its query string (`question` may repeat or list names with commas). */
export function readExportParams(query: URLSearchParams): ExportParams {
  const questions = query.getAll("question").flatMap((q) => q.split(","));
  const parsed = ExportParamsSchema.safeParse({
    pairs: query.get("pairs") ?? undefined,
    best: query.get("best") ?? undefined,
    question: questions.length ? questions : undefined,
  });
  if (!parsed.success) throw new ExportRequestError("invalid_parameter", parsed.error.issues[0].message);
  return parsed.data;
}

/** Raw answers name their labeler by the same pseudonym as the dashboard, never by account id. */
async function* pseudonymised<T extends { labeler_id: string }>(projectId: string, rows: AsyncGenerator<T>) {
  try {
    for await (const row of rows) yield { ...row, labeler_id: labelerPseudonym(projectId, row.labeler_id) };
  } finally {
    await rows.return(undefined);
  }
}

/**
 * Marks each raw answer's text fields that were pasted in whole (`pasted`, field names, empty when none), from its
 * input signals: a form question's text answer, or the fixed shapes' rationale.
 */
async function* pasteMarked<
  T extends { input_signals: Record<string, TextInputSignals> | null; rationale: string | null },
>(rows: AsyncGenerator<T & { answers?: Record<string, unknown> }>) {
  try {
    for await (const row of rows) {
      const textOf = (field: string) => {
        const text = row.answers ? row.answers[field] : field === RATIONALE ? row.rationale : null;
        return typeof text === "string" ? text : null;
      };
      yield { ...row, pasted: pastedFields(row.input_signals, textOf) };
    }
  } finally {
    await rows.return(undefined);
  }
}

const refuse = (message: string) => new ExportRequestError("invalid_kind", message);

/** The text questions an sft export takes its replies from: those named, or else the rewrites (prefill "best"). */
function sftRewrites(questions: readonly Question[], named: readonly string[] | undefined): string[] {
  const text = questions.filter((q): q is Extract<Question, { type: "text" }> => q.type === "text");
  if (!named) return text.filter((q) => q.prefill === "best").map((q) => q.name);
  for (const name of named) {
    if (!text.some((q) => q.name === name))
      throw new ExportRequestError(
        "invalid_parameter",
        `question "${name}" is not a text question of this project's form` +
          (text.length ? ` (its text questions: ${text.map((q) => q.name).join(", ")})` : " (it has none)"),
      );
  }
  return [...new Set(named)];
}

/** A form project's export source; refuses a kind its questions cannot give. */
function formSource(project: FormProject, kind: ExportKind, params: ExportParams): AsyncGenerator<object> {
  const types = new Set(project.questions.map((q) => q.type));
  const compares = collectsPreferences({ taskType: "form", questions: project.questions });
  switch (kind) {
    case "preferences":
      if (!compares)
        throw refuse(
          "This project's form has no preference or ranking question to take pairs from; use the consensus export.",
        );
      return exportFormPreferences(db, project, params.pairs);
    case "ratings":
      if (!types.has("rating")) throw refuse("This project's form has no rating question; use the consensus export.");
      return exportFormRatings(db, project);
    case "sft": {
      const rewrites = sftRewrites(project.questions, params.question);
      const best = params.best ?? false;
      if (best && !compares)
        throw new ExportRequestError(
          "invalid_parameter",
          "best=1 takes the consensus best response of a ranking or preference question, and this project's form has none.",
        );
      if (!rewrites.length && !best)
        throw refuse(
          "This project's form has no rewrite question (a text question pre-filled with the best response); name a text question with ?question=NAME" +
            (compares ? ", or add the consensus best responses with ?best=1." : "."),
        );
      return exportFormSft(db, project, { rewrites, best });
    }
    case "followup": {
      const named = params.question ?? sftRewrites(project.questions, undefined);
      if (named.length !== 1)
        throw new ExportRequestError(
          "invalid_parameter",
          "name the one text question whose answers become the follow-up project's responses: ?question=NAME",
        );
      const [question] = sftRewrites(project.questions, named);
      return exportFormFollowUp(db, { projectId: project.id, question });
    }
    case "consensus":
      return exportFormConsensus(db, project);
    case "raw":
      return pasteMarked(pseudonymised(project.id, exportFormRawAnswers(db, project)));
  }
}

/** The records of one export, not yet read (nothing is queried until the first record is asked for). */
function exportSource(project: Project, kind: ExportKind, params: ExportParams): AsyncGenerator<object> {
  for (const [name, value] of Object.entries(params)) {
    const owners = PARAMETER_KINDS[name as keyof ExportParams];
    if (value !== undefined && !owners.includes(kind))
      throw new ExportRequestError(
        "invalid_parameter",
        `${name} is a parameter of the ${owners.join(" and ")} export${owners.length > 1 ? "s" : ""}, not of ${kind}`,
      );
  }
  if (project.taskType === "form" && project.questions)
    return formSource({ id: project.id, questions: project.questions }, kind, params);
  switch (kind) {
    case "preferences":
      if (project.taskType !== "pairwise")
        throw refuse("Preference export is for pairwise projects; use the consensus export.");
      return exportPreferences(db, project.id);
    case "ratings":
    case "sft":
    case "followup":
      throw refuse(`The ${kind} export is for projects with a form of questions; use the consensus export.`);
    case "consensus":
      return exportConsensus(db, project.id);
    case "raw":
      return pasteMarked(pseudonymised(project.id, exportRawAnswers(db, project.id)));
  }
}

/**
 * Streams an export as JSON Lines, pulling a page from the database only when the client has read the last one
 * (one chunk of 200 records is kept ready; each page is one short keyset query, no transaction or cursor is held
 * between pages). When the client goes away (`signal`, or the stream is cancelled) the page loop ends: no further
 * queries. Exports built on the consensus first bring it up to date with the latest answers. Throws
 * ExportRequestError when the kind or a parameter does not fit the project.
 */
export async function exportResponse(
  project: Project,
  kind: ExportKind,
  params: ExportParams = {},
  signal?: AbortSignal,
): Promise<Response> {
  const source = exportSource(project, kind, params);
  const needsConsensus = kind !== "raw" && kind !== "followup" && (kind !== "sft" || params.best);
  if (needsConsensus) await ensureFreshConsensus(db, project.id);
  const encoder = new TextEncoder();
  let stopped = false;
  /** Ends the page loop: the generator's return() runs once the page query in flight (if any) is done. */
  const stop = () => {
    stopped = true;
    return source.return(undefined);
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        signal?.addEventListener(
          "abort",
          () => {
            void stop();
            try {
              controller.close();
            } catch {
              // already closed or cancelled
            }
          },
          { once: true },
        );
      },
      async pull(controller) {
        let chunk = "";
        for (let i = 0; i < 200; i++) {
          const next = await source.next();
          if (stopped) return;
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += JSON.stringify(next.value) + "\n";
        }
        controller.enqueue(encoder.encode(chunk));
      },
      async cancel() {
        await stop();
      },
    },
    new CountQueuingStrategy({ highWaterMark: 1 }),
  );
  const slug =
    project.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .slice(0, 40) || "project";
  return new Response(body, {
    headers: {
      "Content-Type": "application/x-ndjson; charset=utf-8",
      "Content-Disposition": `attachment; filename="${slug}-${kind}.jsonl"`,
      "Cache-Control": "no-store",
    },
  });
}
