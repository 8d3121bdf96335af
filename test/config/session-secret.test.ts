import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeTempDir } from "../support/temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** loadSessionSecret in a process of its own, as each app process calls it at start; resolves with the secret. */
function secretInNewProcess(dataDir: string): Promise<string> {
  const code = `const { loadSessionSecret } = await import("./config/session-secret.ts");
    process.stdout.write(loadSessionSecret({ DATA_DIR: ${JSON.stringify(dataDir)} }));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (status) => (status === 0 ? resolve(out) : reject(new Error(err))));
  });
}

describe("the generated session secret", () => {
  it("is one secret for app processes that start together on a new data directory", { timeout: 60_000 }, async () => {
    const dataDir = makeTempDir("secret");
    const secrets = await Promise.all(Array.from({ length: 6 }, () => secretInNewProcess(dataDir)));
    expect(secrets[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(secrets).size).toBe(1);
    expect(readdirSync(dataDir)).toEqual(["session-secret"]);
  });
});
