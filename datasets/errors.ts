export interface DatasetProblem {
  line: number;
  column?: number;
  message: string;
}

/** The upload was refused; nothing from it was stored. Holds the first problems found, each with its line. */
export class DatasetError extends Error {
  override name = "DatasetError";
  constructor(readonly problems: DatasetProblem[]) {
    super(problems.map(formatProblem).join("; "));
  }
}

export function formatProblem(p: DatasetProblem): string {
  return `line ${p.line}${p.column ? `, column ${p.column}` : ""}: ${p.message}`;
}
