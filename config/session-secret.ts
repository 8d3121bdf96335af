import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { EnvError, type Env } from "./env.ts";

/** Reads the secret from the environment, a file it names, or a generated file under DATA_DIR (never the database). */
export function loadSessionSecret(env: Env): string {
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  const file = env.SESSION_SECRET_FILE ?? path.join(env.DATA_DIR, "session-secret");
  if (existsSync(file)) return readSecret(file);
  if (env.SESSION_SECRET_FILE) throw new EnvError(`SESSION_SECRET_FILE ${file} does not exist`);
  mkdirSync(path.dirname(file), { recursive: true });
  // App processes starting together must end with one secret: each writes its own in full, then links it into place
  // (atomic, and refused when another got there first, whose secret is then the one).
  const secret = randomBytes(32).toString("hex");
  const own = `${file}.${process.pid}`;
  writeFileSync(own, secret, { mode: 0o600 });
  try {
    linkSync(own, file);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readSecret(file);
  } finally {
    unlinkSync(own);
  }
}

function readSecret(file: string): string {
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32)
    throw new EnvError(`${file}: the session secret must be at least 32 characters, it has ${secret.length}`);
  return secret;
}
