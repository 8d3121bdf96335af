import { exportConsensus, exportPreferences, exportRawAnswers } from "../../db/queries/exports.ts";
import type { Project } from "../../db/queries/projects.ts";
import { ensureFreshConsensus } from "../../reward/consensus/project-run.ts";
import { db } from "./db.server.ts";
import { labelerPseudonym } from "./pseudonyms.server.ts";

export const EXPORT_KINDS = ["preferences", "consensus", "raw"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export function isExportKind(kind: string | null | undefined): kind is ExportKind {
  return (EXPORT_KINDS as readonly string[]).includes(kind ?? "");
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
 * Streams an export as JSON Lines, pulling a page from the database only when the client has read the last one
 * (one chunk of 200 records is kept ready; each page is one short keyset query, no transaction or cursor is held
 * between pages). When the client goes away (`signal`, or the stream is cancelled) the page loop ends: no further
 * queries. Consensus exports first bring the consensus up to date with the latest answers.
 */
export async function exportResponse(project: Project, kind: ExportKind, signal?: AbortSignal): Promise<Response> {
  if (kind === "preferences" && project.taskType !== "pairwise") {
    return new Response("Preference export is for pairwise projects; use the consensus export.", { status: 400 });
  }
  if (kind !== "raw") await ensureFreshConsensus(db, project.id);
  const source =
    kind === "raw"
      ? pseudonymised(project.id, exportRawAnswers(db, project.id))
      : kind === "preferences"
        ? exportPreferences(db, project.id)
        : exportConsensus(db, project.id);
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
