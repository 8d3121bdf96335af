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
      env: { PORT: String(PORT), DATA_DIR: dataDir, NODE_ENV: "production" },
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
        E2E_DATABASE: "pairwise_e2e",
      },
    },
  ],
});
