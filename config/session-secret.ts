import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { EnvError, type Env } from "./env.ts";

/** Reads the secret from the environment, a file it names, or a generated file under DATA_DIR (never the database). */
export function loadSessionSecret(env: Env): string {
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  const file = env.SESSION_SECRET_FILE ?? path.join(env.DATA_DIR, "session-secret");
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim();
    if (secret.length < 32)
      throw new EnvError(`${file}: the session secret must be at least 32 characters, it has ${secret.length}`);
    return secret;
  }
  if (env.SESSION_SECRET_FILE) throw new EnvError(`SESSION_SECRET_FILE ${file} does not exist`);
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
