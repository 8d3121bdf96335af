/**
 * Scratch folders for tests and benchmarks: `os.tmpdir()/pairwise-<prefix>-XXXXXX`, each registered so that
 * `removeTempDirs()` deletes them all.
 * - In a vitest test file that imports this module (directly or through another support module, statically), an
 *   afterAll hook registered on import removes them after the file's own after-hooks; a file that makes a folder
 *   per test can also call removeTempDirs in afterEach.
 * - A benchmark calls removeTempDirs in its `finally`; whatever is left when the process exits is removed then.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const made = new Set<string>();
process.once("exit", removeTempDirs);
if (process.env.VITEST) {
  try {
    // Registered while the importing test file is collected, so the hook belongs to that file.
    const { afterAll } = await import("vitest");
    afterAll(removeTempDirs);
  } catch {
    // Imported outside a test file's collection (a child process that inherited VITEST): the exit hook remains.
  }
}

/** Creates a fresh, empty folder named pairwise-<prefix>-… under the system temp folder. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pairwise-${prefix}-`));
  made.add(dir);
  return dir;
}

/** Removes, with their contents, every folder that makeTempDir made in this process and not yet removed. */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

/** Writes `content` to `name` inside `dir` and returns the file's path. */
export async function writeFileIn(dir: string, name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}
