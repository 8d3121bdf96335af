/** A domain rule refused the request; `code` is stable and safe to show to users and API clients. */
export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super("not_found", `${what} not found`);
  }
}

/** Whether a database error (from PGlite or postgres-js, possibly wrapped by Drizzle) has this SQLSTATE. */
export function hasSqlState(error: unknown, code: "23505" | "23514"): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === code) return true;
  }
  return false;
}
