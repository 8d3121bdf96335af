import type { SQL } from "drizzle-orm";
import type { Db } from "./client.ts";

/** Raw SQL rows; postgres-js answers with an array, PGlite with `{ rows }`. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
