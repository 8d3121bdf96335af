import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
/** A second app on PostgreSQL, for specs that also read or prepare the database (e2e/wallet.spec.ts). */
export const POSTGRES_PORT = PORT + 1;
// Fresh data directories per run: the first app starts on an empty embedded database and chain.
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "pairwise-e2e-"));
const postgresDataDir = mkdtempSync(path.join(tmpdir(), "pairwise-e2e-pg-"));
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
        E2E_DATABASE: "pairwise_e2e",
        RATE_LIMIT_AUTH_PER_MINUTE,
      },
    },
  ],
});
