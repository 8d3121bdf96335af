import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import {
  DatasetError,
  formatFromName,
  ingestDataset,
  type DatasetFormat,
  type IngestProgress,
} from "../../datasets/index.ts";
import type { Project } from "../../db/queries/projects.ts";
import { db } from "./db.server.ts";
import { env } from "../../config/env.ts";

export class UploadRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const CONTENT_TYPES: Record<string, DatasetFormat> = {
  "text/csv": "csv",
  "application/x-ndjson": "jsonl",
  "application/jsonl": "jsonl",
  "application/x-jsonlines": "jsonl",
};

/** Works out the file name and format from ?filename= / X-Filename and the content type, refusing anything else. */
export function describeUpload(request: Request) {
  const url = new URL(request.url);
  const filename = url.searchParams.get("filename") ?? decodeURIComponent(request.headers.get("X-Filename") ?? "");
  const contentType = request.headers.get("Content-Type")?.split(";")[0].trim().toLowerCase() ?? "";
  const format = formatFromName(filename) ?? CONTENT_TYPES[contentType] ?? null;
  if (contentType.startsWith("multipart/"))
    throw new UploadRequestError("bad_content_type", "Send the file itself as the request body, not a multipart form.");
  if (!format)
    throw new UploadRequestError(
      "unsupported_format",
      `Cannot tell the format of "${filename || "(no name)"}": use a .jsonl or .csv file, or Content-Type application/x-ndjson or text/csv.`,
      415,
    );
  const length = Number(request.headers.get("Content-Length") ?? "0");
  if (length > env.MAX_UPLOAD_BYTES)
    throw new UploadRequestError(
      "too_large",
      `The file is ${length} bytes; the limit is ${env.MAX_UPLOAD_BYTES}.`,
      413,
    );
  if (!request.body) throw new UploadRequestError("empty", "The request has no body: send the file.");
  return { filename: filename || `upload.${format}`, format };
}

export function ingestRequest(
  project: Project,
  request: Request,
  onProgress?: (p: IngestProgress) => void,
  { filename, format } = describeUpload(request),
) {
  return ingestDataset(db, {
    project,
    input: Readable.fromWeb(request.body as WebReadableStream<Uint8Array>),
    filename,
    format,
    maxBytes: env.MAX_UPLOAD_BYTES,
    onProgress,
  });
}

/**
 * Streams NDJSON events while the upload is validated and stored: {"phase":"reading"|"storing",…} lines, then
 * {"phase":"done",…} or {"phase":"error","problems":[…]} last. The browser shows them as a live progress bar.
 */
export function streamingIngestResponse(project: Project, request: Request): Response {
  const upload = describeUpload(request);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: object) => controller.enqueue(encoder.encode(JSON.stringify(event) + "\n"));
      try {
        const result = await ingestRequest(project, request, send, upload);
        send({ phase: "done", ...result });
      } catch (error) {
        if (error instanceof DatasetError) send({ phase: "error", problems: error.problems });
        else {
          console.error(error);
          send({
            phase: "error",
            problems: [{ line: 0, message: "the server failed to store the upload; nothing was kept" }],
          });
        }
      }
      controller.close();
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson", "Cache-Control": "no-store" } });
}
