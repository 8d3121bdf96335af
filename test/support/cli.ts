import { spawn } from "node:child_process";
import path from "node:path";

/** The `pairwise` command line, as operators run it. */
export const CLI = path.resolve(import.meta.dirname, "../../bin/pairwise");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `pairwise <args>` in a child process and resolves with how it ended (never rejects on a failing exit). */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Initial token supply of the embedded chain in the payout CLI tests. */
export const PAYOUT_TEST_SUPPLY = 10n ** 15n;

/** `pairwise payout --epoch EPOCH` on a PostgreSQL database and data directory, killed at step `crashAt` if given. */
export function runPayoutCli(target: { url: string; dataDir: string }, epoch: string, crashAt?: string) {
  return runCli(["payout", "--epoch", epoch], {
    env: {
      ...process.env,
      DATABASE_URL: target.url,
      DATA_DIR: target.dataDir,
      TREASURY_INITIAL_SUPPLY: PAYOUT_TEST_SUPPLY.toString(),
      ...(crashAt ? { PAIRWISE_CRASH_AT: crashAt } : {}),
    },
  });
}
