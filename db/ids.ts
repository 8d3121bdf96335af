const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `id` is a UUID in its canonical 8-4-4-4-12 form. Ids from URLs and bodies are checked with it before
 * they reach a `uuid` column: anything else cannot name a row, and PostgreSQL would refuse it with an error.
 */
export function isUuid(id: unknown): id is string {
  return typeof id === "string" && UUID.test(id);
}
