import { exportConsensus, exportPreferences, exportRawAnswers } from "../../db/queries/exports.ts";
import type { Project } from "../../db/queries/projects.ts";
import { ensureFreshConsensus } from "../../reward/consensus/project-run.ts";
import { db } from "./db.server.ts";

export const EXPORT_KINDS = ["preferences", "consensus", "raw"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export function isExportKind(kind: string | null | undefined): kind is ExportKind {
  return (EXPORT_KINDS as readonly string[]).includes(kind ?? "");
}

/**
 * Streams an export as JSON Lines, pulling a page from the database only when the client has read the last one.
 * Consensus exports first bring the consensus up to date with the latest answers.
 */
export async function exportResponse(project: Project, kind: ExportKind): Promise<Response> {
  if (kind === "preferences" && project.taskType !== "pairwise") {
    return new Response("Preference export is for pairwise projects; use the consensus export.", { status: 400 });
  }
  if (kind !== "raw") await ensureFreshConsensus(db, project.id);
  const source =
    kind === "raw"
      ? exportRawAnswers(db, project.id)
      : kind === "preferences"
        ? exportPreferences(db, project.id)
        : exportConsensus(db, project.id);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = "";
      for (let i = 0; i < 200; i++) {
        const next = await source.next();
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
      await source.return(undefined);
    },
  });
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
