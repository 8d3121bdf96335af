export { DatasetError, formatProblem, type DatasetProblem } from "./errors.ts";
export { ingestDataset, MAX_PROBLEMS, removeOrphanSpools, type IngestProgress, type IngestResult } from "./ingest.ts";
export { MAX_FIELD_CHARS, PAIRWISE_GOLD, SHAPES } from "./normalize.ts";
export { formatFromName, type DatasetFormat } from "./records.ts";
