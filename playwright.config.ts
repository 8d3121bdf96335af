import { mkdirSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { E2E_DATABASE } from "./scripts/test-database.ts";
import { runScratchDir } from "./e2e/run-scratch.ts";

const PORT = Number(process.env.E2E_PORT ?? 3210);
/** A second app on PostgreSQL, for specs that also read or prepare the database (e2e/wallet.spec.ts). */
export const POSTGRES_PORT = PORT + 1;
// Fresh data directories per run, removed after it: the first app starts on an empty embedded database and chain.
const scratch = runScratchDir();
const dataDir = process.env.E2E_DATA_DIR ?? path.join(scratch, "app");
const postgresDataDir = path.join(scratch, "postgres");
for (const dir of [dataDir, postgresDataDir]) mkdirSync(dir, { recursive: true });
// Every spec's accounts sign up and then sign in from this one address: the default per-address allowance (10 a
// minute) is for people, not for a test run. Rate limits themselves are tested in test/app/rate-limits.test.ts.
const RATE_LIMIT_AUTH_PER_MINUTE = "1000";

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: process.env.CI ? "list" : "line",
  use: {
    baseURL: `http://localhost:${PORT}`,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
    trace: "retain-on-failure",
  },
  webServer: [
    {
      command: "node server.js",
      url: `http://localhost:${PORT}/`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: {
        PORT: String(PORT),
        DATA_DIR: dataDir,
        NODE_ENV: "production",
        PUBLIC_HOST: `localhost:${PORT}`,
        RATE_LIMIT_AUTH_PER_MINUTE,
      },
    },
    {
      command: "node e2e/start-on-postgres.mjs",
      url: `http://localhost:${POSTGRES_PORT}/`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: {
        PORT: String(POSTGRES_PORT),
        DATA_DIR: postgresDataDir,
        NODE_ENV: "production",
        PUBLIC_HOST: `localhost:${POSTGRES_PORT}`,
        E2E_DATABASE,
        RATE_LIMIT_AUTH_PER_MINUTE,
      },
    },
  ],
});
