/**
 * A Playwright run's scratch: one folder under the system temp folder for the apps' data directories, and the
 * e2e database. The process that first loads playwright.config.ts (the runner) makes the folder and, when it
 * exits after stopping the apps, removes it and drops the database; the processes it starts (workers, which load
 * the config again) inherit E2E_TEMP_DIR and leave both alone. A caller that exports E2E_TEMP_DIR itself
 * (scripts/test.sh) cleans up itself.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

export function runScratchDir(): string {
  const inherited = process.env.E2E_TEMP_DIR;
  if (inherited) return inherited;
  const dir = mkdtempSync(path.join(tmpdir(), "pairwise-e2e-"));
  process.env.E2E_TEMP_DIR = dir;
  // Exit handlers run synchronously: the database is dropped by a child process that the handler waits for.
  process.once("exit", () => {
    rmSync(dir, { recursive: true, force: true });
    spawnSync(process.execPath, ["--import", "tsx", "scripts/test-database.ts", "drop-e2e"], {
      cwd: ROOT,
      stdio: "inherit",
    });
  });
  return dir;
}
