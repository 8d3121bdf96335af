import { Readable } from "node:stream";
import {
  DatasetError,
  formatFromName,
  ingestDataset,
  type DatasetFormat,
  type IngestProgress,
} from "../../datasets/index.ts";
import type { Project } from "../../db/queries/projects.ts";
import { commitGoldAfterUpload } from "../../jobs/gold-commitments.ts";
import { db } from "./db.server.ts";
import { env } from "../../config/env.ts";
import { acquireStoreTurn, claimUploadSlot, TooManyUploadsError, UPLOAD_RETRY_AFTER_S } from "./upload-slots.server.ts";

export class UploadRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const tooLarge = () =>
  new UploadRequestError("too_large", `The file is larger than the limit of ${env.MAX_UPLOAD_BYTES} bytes.`, 413);

/** Claims an upload slot for `uploaderId`, or refuses with 429 `too_many_uploads` and a Retry-After. */
function claimSlot(uploaderId: string): () => void {
  try {
    return claimUploadSlot(uploaderId);
  } catch (error) {
    if (!(error instanceof TooManyUploadsError)) throw error;
    throw new UploadRequestError("too_many_uploads", error.message, 429, {
      "Retry-After": String(UPLOAD_RETRY_AFTER_S),
    });
  }
}

/**
 * The request body as a Node stream that fails once it passes `maxBytes`, whatever Content-Length said (or with
 * none, chunked). Failing cancels the body without resetting the connection: server.js answers, then drains it.
 */
function limitedBody(body: ReadableStream<Uint8Array>, maxBytes: number) {
  const reader = body.getReader();
  let bytes = 0;
  let exceeded = false;
  const input = new Readable({
    read() {
      reader.read().then(
        ({ done, value }) => {
          if (done) return void this.push(null);
          bytes += value.byteLength;
          if (bytes <= maxBytes) return void this.push(value);
          exceeded = true;
          this.destroy(tooLarge());
        },
        (error: unknown) => this.destroy(error as Error),
      );
    },
    destroy(error, callback) {
      reader.cancel().catch(() => {});
      callback(error);
    },
  });
  return { input, exceeded: () => exceeded };
}

const CONTENT_TYPES: Record<string, DatasetFormat> = {
  "text/csv": "csv",
  "application/x-ndjson": "jsonl",
  "application/jsonl": "jsonl",
  "application/x-jsonlines": "jsonl",
};

/** The X-Filename header, percent-encoded by the browser's upload (any non-ASCII name); a bad encoding is a 400. */
function headerFilename(header: string | null): string {
  try {
    return decodeURIComponent(header ?? "");
  } catch {
    throw new UploadRequestError("bad_filename", "The X-Filename header is not a valid percent-encoded file name.");
  }
}

/** Works out the file name and format from ?filename= / X-Filename and the content type, refusing anything else. */
export function describeUpload(request: Request) {
  const url = new URL(request.url);
  const filename = url.searchParams.get("filename") ?? headerFilename(request.headers.get("X-Filename"));
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

/**
 * Stores the upload of `uploaderId` (one of their MAX_UPLOADS_PER_USER slots), then queues the on-chain commitment
 * of its gold (its gold items are served once that lands).
 */
export async function ingestRequest(
  project: Project,
  request: Request,
  uploaderId: string,
  upload = describeUpload(request),
) {
  const release = claimSlot(uploaderId);
  try {
    return await storeRequest(project, request, upload);
  } finally {
    release();
  }
}

async function storeRequest(
  project: Project,
  request: Request,
  { filename, format }: ReturnType<typeof describeUpload>,
  onProgress?: (p: IngestProgress) => void,
) {
  const body = limitedBody(request.body!, env.MAX_UPLOAD_BYTES);
  let result;
  try {
    result = await ingestDataset(db, {
      project,
      input: body.input,
      filename,
      format,
      maxLineChars: env.MAX_LINE_CHARS,
      acquireStore: acquireStoreTurn,
      onProgress,
    });
  } catch (error) {
    // However the parser reported it (a CSV parse error, a stream error), a body over the limit is a 413.
    if (body.exceeded()) throw tooLarge();
    throw error;
  }
  await commitGoldAfterUpload(db, project.id);
  return result;
}

/**
 * Streams NDJSON events while the upload is validated and stored: {"phase":"reading"|"storing",…} lines, then
 * {"phase":"done",…} or {"phase":"error","problems":[…]} last. The browser shows them as a live progress bar.
 */
export function streamingIngestResponse(
  project: Project,
  request: Request,
  uploaderId: string,
  /** Runs once the upload is stored, before the "done" event (the route's audit entry). */
  onStored?: (result: Awaited<ReturnType<typeof storeRequest>>) => Promise<unknown>,
): Response {
  const upload = describeUpload(request);
  const release = claimSlot(uploaderId);
  const encoder = new TextEncoder();
  let gone = false;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      // A browser that went away stops getting events; a body it had finished sending is still stored.
      const send = (event: object) => {
        if (!gone) controller.enqueue(encoder.encode(JSON.stringify(event) + "\n"));
      };
      try {
        const result = await storeRequest(project, request, upload, send);
        await onStored?.(result);
        send({ phase: "done", ...result });
      } catch (error) {
        if (error instanceof DatasetError) send({ phase: "error", code: "invalid_dataset", problems: error.problems });
        else if (error instanceof UploadRequestError)
          send({ phase: "error", code: error.code, problems: [{ line: 0, message: error.message }] });
        else {
          console.error(error);
          send({
            phase: "error",
            problems: [{ line: 0, message: "the server failed to store the upload; nothing was kept" }],
          });
        }
      } finally {
        release();
      }
      if (!gone) controller.close();
    },
    cancel() {
      gone = true;
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson", "Cache-Control": "no-store" } });
}
