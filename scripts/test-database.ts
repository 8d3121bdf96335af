/**
 * The PostgreSQL databases of a test run that outlive a test file (`node --import tsx scripts/test-database.ts …`):
 *   ensure    creates the database TEST_POSTGRES_URL names (default `test`) if it is missing: the test files
 *             connect to it to create and drop their own databases.
 *   drop-e2e  drops the database the Playwright apps ran on (E2E_DATABASE), left over however the run ended.
 */
import { pathToFileURL } from "node:url";
import postgres from "postgres";

export const DEFAULT_TEST_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test";
/**
 * The database e2e/start-on-postgres.mjs runs the second app on, and e2e/fixtures.ts reads; set E2E_DATABASE (with
 * E2E_PORT) to run two Playwright runs side by side on one server.
 */
export const E2E_DATABASE = process.env.E2E_DATABASE || "pairwise_e2e";

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The server's `postgres` maintenance database, which every server has, so that any other can be made or dropped. */
function maintenanceConnection(url: string) {
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  return postgres(maintenance.toString(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
}

/** The database name in a postgres:// URL's path. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!name) throw new Error(`${url} names no database (expected postgres://user@host:port/NAME)`);
  return name;
}

/** Creates the URL's database unless it exists; resolves with whether it created it. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  const sql = maintenanceConnection(url);
  try {
    const existing = await sql`select 1 from pg_database where datname = ${name}`;
    if (existing.length > 0) return false;
    await sql.unsafe(`create database ${quoteIdentifier(name)}`);
    return true;
  } catch (error) {
    // Another run created it between the look and the create.
    if ((error as { code?: string }).code === "42P04") return false;
    throw error;
  } finally {
    await sql.end();
  }
}

/** Drops the database `name` on the URL's server if it exists, closing whatever connections it still has. */
export async function dropDatabase(url: string, name: string): Promise<void> {
  const sql = maintenanceConnection(url);
  try {
    await sql.unsafe(`drop database if exists ${quoteIdentifier(name)} with (force)`);
  } finally {
    await sql.end();
  }
}

const COMMANDS: Record<string, (url: string) => Promise<void>> = {
  async ensure(url) {
    if (await ensureDatabase(url)) console.log(`created the database ${databaseName(url)}`);
  },
  "drop-e2e": (url) => dropDatabase(url, E2E_DATABASE),
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const name = process.argv[2] ?? "";
  const url = process.env.TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;
  const command = COMMANDS[name];
  if (!command) {
    console.error(
      `test-database: unknown command ${JSON.stringify(name)} (expected ${Object.keys(COMMANDS).join(" or ")})`,
    );
    process.exitCode = 2;
  } else {
    command(url).catch((error: Error) => {
      console.error(`test-database ${name}: PostgreSQL at ${new URL(url).host}: ${error.message}`);
      process.exitCode = 1;
    });
  }
}
