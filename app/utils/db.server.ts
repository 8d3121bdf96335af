import path from "node:path";
import { openDb, type DbHandle } from "../../db/client.ts";
import { env } from "../../config/env.ts";

declare global {
  var __pairwiseDb: Promise<DbHandle> | undefined;
}

// One handle per process (kept across dev-server reloads); migrations run before the first request.
global.__pairwiseDb ??= openDb({
  databaseUrl: env.DATABASE_URL,
  dataDir: path.join(env.DATA_DIR, "pglite"),
  maxConnections: env.DB_POOL_SIZE,
});

const handle = await global.__pairwiseDb;
export const db = handle.db;
export const dbKind = handle.kind;
export const closeDb = () => handle.close();
