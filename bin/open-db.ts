import path from "node:path";
import { openDb } from "../db/client.ts";

/** The database the app uses, from the same environment variables (DATABASE_URL, or PGlite under DATA_DIR). */
export function openConfiguredDb() {
  const url = process.env.DATABASE_URL || undefined;
  return openDb({ databaseUrl: url, dataDir: path.join(process.env.DATA_DIR ?? "./data", "pglite"), maxConnections: 4 });
}
