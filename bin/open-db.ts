import { databaseConfig, env } from "../config/env.ts";
import { DatabaseInUseError, openDb } from "../db/client.ts";
import { createServices } from "../jobs/services.ts";
import { CliError } from "./cli-error.ts";

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "CONNECT_TIMEOUT"]);
/** PostgreSQL's SQLSTATE for "database does not exist". */
const MISSING_DATABASE = "3D000";

/** The database the app uses, from the same environment (DATABASE_URL, or PGlite under DATA_DIR). */
export async function openConfiguredDb() {
  try {
    return await openDb(databaseConfig(env, 4));
  } catch (error) {
    if (error instanceof DatabaseInUseError) throw new CliError(error.message);
    // Drizzle wraps the driver's error (the first query is the migrations'): the reason is in its cause.
    const cause = ((error as Error).cause ?? error) as { code?: string; message: string };
    if (UNREACHABLE.has(cause.code ?? "")) throw new CliError(`cannot reach DATABASE_URL's server (${cause.message})`);
    if (cause.code === MISSING_DATABASE) throw new CliError(`DATABASE_URL: ${cause.message}`);
    throw error;
  }
}

/** The database and the services over it (chain, models), as the app has them; close both when done. */
export async function openConfiguredServices() {
  const handle = await openConfiguredDb();
  const services = createServices(handle.db, env);
  return {
    services,
    async close() {
      await services.close();
      await handle.close();
    },
  };
}
