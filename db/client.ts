import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import postgres from "postgres";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
/** Any Drizzle database or transaction over our schema, PGlite or PostgreSQL. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface DbHandle {
  db: Db;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

export interface DbOptions {
  /** postgres://… selects PostgreSQL; otherwise embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; omitted means in memory. */
  dataDir?: string;
  /** Connection pool size for PostgreSQL. */
  maxConnections?: number;
}

/** The committed drizzle-kit migrations; found by walking up so it works from source and from the server bundle. */
export function migrationsFolder(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, "db", "migrations");
    if (existsSync(path.join(candidate, "meta", "_journal.json"))) return candidate;
    if (existsSync(path.join(dir, "migrations", "meta", "_journal.json"))) return path.join(dir, "migrations");
    dir = path.dirname(dir);
  }
  throw new Error("db/migrations not found");
}

/** Any number for the advisory lock that serialises migrations (the same in every process of every version). */
const MIGRATION_LOCK = 72_707_001;

/**
 * Applies the migrations on one connection of its own holding an advisory lock, so app processes starting together
 * on a new database migrate it once, one after another, instead of racing to create the same tables.
 */
async function migrateOnce(databaseUrl: string) {
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzlePostgres(client, { schema }) as never, { migrationsFolder: migrationsFolder() });
  } finally {
    await client.end({ timeout: 5 });
  }
}

type Sql = postgres.Sql;
type Unsafe = Sql["unsafe"];

/**
 * postgres-js prepares a statement only when asked, and Drizzle asks only for queries it names: every other query
 * with parameters costs an extra round trip (Describe) and a fresh plan each time. Over `sql`, and the transactions
 * and savepoints it begins, every query is prepared once per connection (postgres-js keeps them by query text until
 * it recycles the connection, within max_lifetime).
 */
export function preparedByDefault<T extends Sql>(sql: T): T {
  const inside =
    (begin: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const body = args.pop() as (tx: Sql) => unknown;
      return begin(...args, (tx: Sql) => body(preparedByDefault(tx)));
    };
  return new Proxy(sql, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "unsafe")
        return ((query, params, options) =>
          (value as Unsafe).call(target, query, params, { ...options, prepare: true })) as Unsafe;
      if (prop === "begin" || prop === "savepoint") return inside((value as (...a: unknown[]) => unknown).bind(target));
      return value;
    },
  });
}

export async function openDb(options: DbOptions): Promise<DbHandle> {
  if (options.databaseUrl) {
    const client = postgres(options.databaseUrl, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      // JIT compilation costs far more than it saves on short OLTP queries like ours.
      connection: { jit: "off" },
    });
    await migrateOnce(options.databaseUrl);
    const db = drizzlePostgres(preparedByDefault(client), { schema }) as unknown as Db;
    return { db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  const releaseLock = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  const client = new PGlite(options.dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder: migrationsFolder() });
  return {
    db,
    kind: "pglite",
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

export class DatabaseInUseError extends Error {
  override name = "DatabaseInUseError";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PGlite is single-process: a second process opening the same directory would corrupt it, so refuse instead. */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  const lock = `${path.resolve(dataDir)}.lock`;
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, "utf8"));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new DatabaseInUseError(
        `the embedded database in ${dataDir} is in use by process ${pid}; stop it first, or use DATABASE_URL`,
      );
    }
  }
  writeFileSync(lock, String(process.pid));
  return () => rmSync(lock, { force: true });
}
