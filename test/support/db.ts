import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDb, type DbHandle } from "../../db/client.ts";

/** Which database the suite runs against: TEST_DB=postgres uses TEST_POSTGRES_URL's server, anything else PGlite. */
export const TEST_DB = process.env.TEST_DB === "postgres" ? "postgres" : "pglite";
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new PostgreSQL database that is dropped
 * again on close, so whatever an earlier run left behind never matters.
 */
export async function createTestDb(): Promise<DbHandle> {
  if (TEST_DB === "pglite") return openDb({});
  return (await createPostgresTestDb()).handle;
}

/** A fresh PostgreSQL database whatever TEST_DB says, with its URL for child processes; dropped on close. */
export async function createPostgresTestDb(): Promise<{ handle: DbHandle; url: string }> {
  const name = `pairwise_test_${Date.now()}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = await openDb({ databaseUrl: url.toString(), maxConnections: 60 });
  return {
    url: url.toString(),
    handle: {
      ...handle,
      async close() {
        await handle.close();
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    },
  };
}
