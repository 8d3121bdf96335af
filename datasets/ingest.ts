import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { once } from "node:events";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { PassThrough, type Readable } from "node:stream";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { items, uploads } from "../db/schema/index.ts";
import { DatasetError, type DatasetProblem } from "./errors.ts";
import { normalizeRecord, type NormalizedItem, type ProjectShape } from "./normalize.ts";
import { readRecords, type DatasetFormat } from "./records.ts";

export const MAX_PROBLEMS = 20;
const BATCH = 500;

export type IngestProgress =
  { phase: "reading"; bytes: number; rows: number } | { phase: "storing"; stored: number; total: number };

export interface IngestResult {
  uploadId: string;
  rows: number;
  inserted: number;
  duplicates: number;
  sha256: string;
}

export interface IngestParams {
  project: ProjectShape & { id: string; labelsPerItem: number };
  input: Readable;
  filename: string;
  format: DatasetFormat;
  maxBytes?: number;
  onProgress?: (progress: IngestProgress) => void;
  /** Where the upload is spooled while it is validated (default: the system's temp folder). */
  spoolDir?: string;
  /** Longest line (JSONL) or record (CSV) in characters, enforced while streaming (default MAX_LINE_CHARS). */
  maxLineChars?: number;
  /**
   * Waits for a turn to store (the store holds one database connection throughout its transaction) and returns its
   * release; the app caps concurrent stores with it so that part of the pool stays free for labeling.
   */
  acquireStore?: () => Promise<() => void>;
}

const SPOOL_PREFIX = "pairwise-upload-";

/**
 * Removes the spool files that processes which are no longer running left behind (a crash mid-upload), keeping
 * those of live processes (several app processes may share the folder); returns how many were removed.
 */
export async function removeOrphanSpools(dir: string = tmpdir()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = Number(/^pairwise-upload-(\d+)-[0-9a-f-]{36}\.jsonl$/.exec(name)?.[1]);
    if (!pid || processIsAlive(pid)) continue;
    await rm(path.join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Validates a whole upload while streaming it to a spool file, then stores it in one transaction, so a bad line
 * anywhere leaves nothing behind and a slow client never holds a database transaction open. Items already in the
 * project (same id, or same content when there is no id) are skipped, so re-uploading a file adds nothing.
 */
export async function ingestDataset(db: Db, params: IngestParams): Promise<IngestResult> {
  if (params.project.taskType === "form" && !params.project.questions?.length)
    throw new DatasetError([{ line: 0, message: "the project has no questions yet, so its items cannot be checked" }]);
  const spoolPath = path.join(params.spoolDir ?? tmpdir(), `${SPOOL_PREFIX}${process.pid}-${randomUUID()}.jsonl`);
  try {
    const spooled = await validateToSpool(params, spoolPath);
    const release = await params.acquireStore?.();
    try {
      return await storeSpool(db, params, spoolPath, spooled);
    } finally {
      release?.();
    }
  } finally {
    await rm(spoolPath, { force: true });
  }
}

async function validateToSpool(params: IngestParams, spoolPath: string) {
  const hash = createHash("sha256");
  let bytes = 0;
  const maxBytes = params.maxBytes ?? Infinity;
  const counted = new PassThrough();
  const problems: DatasetProblem[] = [];
  params.input.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    hash.update(chunk);
    if (bytes > maxBytes)
      params.input.destroy(new DatasetError([{ line: 0, message: `the file is larger than ${maxBytes} bytes` }]));
  });
  const source = params.input.pipe(counted);
  params.input.on("error", (e) => counted.destroy(e));

  const spool = createWriteStream(spoolPath);
  // A body that fails (too large, the client gone) must not leave the spool's file descriptor open.
  params.input.once("error", () => spool.destroy());
  const seen = new Map<string, number>();
  let rows = 0;
  let lastReport = 0;
  for await (const record of readRecords(source, params.format, { maxLineChars: params.maxLineChars })) {
    if (!record.ok) {
      problems.push(record.problem);
    } else {
      const result = normalizeRecord(params.project, record);
      if (!result.ok) problems.push(result.problem);
      else {
        const first = seen.get(result.item.externalId);
        if (first !== undefined) {
          const what = result.item.externalId.startsWith("sha256:") ? "the same content as" : `the same id as`;
          problems.push({ line: record.line, message: `duplicate item: ${what} line ${first}` });
        } else {
          seen.set(result.item.externalId, record.line);
          rows++;
          if (problems.length === 0 && !spool.write(JSON.stringify(result.item) + "\n")) await once(spool, "drain");
        }
      }
    }
    if (problems.length >= MAX_PROBLEMS) break;
    if (params.onProgress && bytes - lastReport > 256 * 1024) {
      lastReport = bytes;
      params.onProgress({ phase: "reading", bytes, rows });
    }
  }
  spool.end();
  await once(spool, "close");
  if (problems.length) {
    params.input.destroy();
    throw new DatasetError(problems);
  }
  if (rows === 0) throw new DatasetError([{ line: 1, message: "the file holds no items" }]);
  return { rows, bytes, sha256: hash.digest("hex") };
}

async function storeSpool(
  db: Db,
  params: IngestParams,
  spoolPath: string,
  { rows, bytes, sha256 }: { rows: number; bytes: number; sha256: string },
) {
  const { project } = params;
  return db.transaction(async (tx) => {
    const [upload] = await tx
      .insert(uploads)
      .values({
        projectId: project.id,
        filename: params.filename.slice(0, 255),
        format: params.format,
        sha256,
        bytes,
        rows,
        inserted: 0,
      })
      .returning({ id: uploads.id });
    let inserted = 0;
    let stored = 0;
    let batch: NormalizedItem[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const result = await tx
        .insert(items)
        .values(
          batch.map((item) => ({
            projectId: project.id,
            uploadId: upload.id,
            externalId: item.externalId,
            content: item.content,
            metadata: item.metadata,
            gold: item.gold,
            awaitingResponses: item.awaitingResponses,
            labelsWanted: project.labelsPerItem,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: items.id });
      inserted += result.length;
      stored += batch.length;
      batch = [];
      params.onProgress?.({ phase: "storing", stored, total: rows });
    };
    const lines = createInterface({ input: createReadStream(spoolPath), crlfDelay: Infinity });
    for await (const line of lines) {
      batch.push(JSON.parse(line) as NormalizedItem);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    await tx.execute(sql`update ${uploads} set inserted = ${inserted} where id = ${upload.id}`);
    return { uploadId: upload.id, rows, inserted, duplicates: rows - inserted, sha256 };
  });
}
