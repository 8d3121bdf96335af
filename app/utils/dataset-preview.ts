// The first rows of a dataset file, read in the browser before it is sent, so the requester sees what the upload
// will hold (the server still checks every row). Only the start of the file is read, however large it is.

export const PREVIEW_ROWS = 5;
/** How much of the file is read for the preview. */
export const PREVIEW_BYTES = 256 * 1024;
const CELL_CHARS = 160;

export interface DatasetPreview {
  columns: string[];
  rows: string[][];
  /** Why no (or no further) rows could be shown; the upload itself may still name more problems. */
  problem: string | null;
}

export type PreviewFormat = "jsonl" | "csv";

export function previewFormat(filename: string): PreviewFormat | null {
  const lower = filename.toLowerCase();
  if (/\.(jsonl|ndjson)$/.test(lower)) return "jsonl";
  if (lower.endsWith(".csv")) return "csv";
  return null;
}

const cell = (value: unknown): string => {
  const text = typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
  return text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text;
};

/** JSON Lines: one object per line; the columns are the fields in the order they first appear. */
function previewJsonl(text: string, whole: boolean): DatasetPreview {
  const lines = text.split(/\r?\n/);
  // A line cut off where the read stopped is not shown.
  if (!whole) lines.pop();
  const objects: Record<string, unknown>[] = [];
  let problem: string | null = null;
  for (const [index, line] of lines.entries()) {
    if (objects.length === PREVIEW_ROWS) break;
    if (!line.trim()) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        problem = `Line ${index + 1} is not a JSON object.`;
        break;
      }
      objects.push(value as Record<string, unknown>);
    } catch {
      problem = `Line ${index + 1} is not valid JSON.`;
      break;
    }
  }
  if (!problem && objects.length === 0)
    problem = whole ? "The file has no rows." : "The first row is too long to preview.";
  const columns = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  return { columns, rows: objects.map((o) => columns.map((c) => cell(o[c]))), problem };
}

/** CSV: a header row, then records (quoted cells may span lines). */
async function previewCsv(text: string, whole: boolean): Promise<DatasetPreview> {
  const { parse } = await import("csv-parse/browser/esm/sync");
  try {
    const [header = [], ...records] = parse(text, {
      to: PREVIEW_ROWS + 1,
      bom: true,
      relax_column_count: true,
    }) as string[][];
    const problem =
      header.length === 0 ? "The file has no header row." : records.length ? null : "The file has no rows.";
    return { columns: header, rows: records.map((r) => header.map((_, i) => cell(r[i]))), problem };
  } catch (error) {
    const problem = whole
      ? `The file is not valid CSV: ${(error as Error).message}`
      : "The first rows are too long to preview.";
    return { columns: [], rows: [], problem };
  }
}

/** The preview of a file's start: `text` is what was read, `whole` whether that is the entire file. */
export function previewText(text: string, format: PreviewFormat, whole: boolean): Promise<DatasetPreview> {
  return format === "csv" ? previewCsv(text, whole) : Promise.resolve(previewJsonl(text, whole));
}

export async function previewFile(file: File): Promise<DatasetPreview> {
  const format = previewFormat(file.name);
  if (!format) return { columns: [], rows: [], problem: "Choose a .jsonl, .ndjson or .csv file." };
  const text = await file.slice(0, PREVIEW_BYTES).text();
  return previewText(text, format, file.size <= PREVIEW_BYTES);
}
