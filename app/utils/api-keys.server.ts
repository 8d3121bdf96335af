import { createHash, randomBytes } from "node:crypto";
import { createApiKey } from "../../db/queries/users.ts";
import { db } from "./db.server.ts";

// Keys carry 256 random bits, so a fast hash is enough to store them safely (no need for a slow password hash).
export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** Creates a key and returns its plain text once; only the hash is stored. */
export async function issueApiKey(userId: string, name: string) {
  const key = `pw_${randomBytes(32).toString("base64url")}`;
  await createApiKey(db, { userId, name, prefix: key.slice(0, 10), keyHash: hashApiKey(key) });
  return key;
}
