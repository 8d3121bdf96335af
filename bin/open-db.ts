import { databaseConfig, env } from "../config/env.ts";
import { openDb } from "../db/client.ts";
import { createServices } from "../jobs/services.ts";

/** The database the app uses, from the same environment (DATABASE_URL, or PGlite under DATA_DIR). */
export function openConfiguredDb() {
  return openDb(databaseConfig(env, 4));
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
