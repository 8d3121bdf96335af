import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { apiKeys, sessions, users, type Role } from "../schema/index.ts";
import { isUuid } from "../ids.ts";

export type User = typeof users.$inferSelect;
export type PublicUser = Omit<User, "passwordHash">;

const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  pausedAt: users.pausedAt,
  pausedReason: users.pausedReason,
  createdAt: users.createdAt,
};

export async function createUser(
  db: Db,
  params: { email: string; name: string; passwordHash: string; role: Role },
): Promise<PublicUser | null> {
  const [user] = await db
    .insert(users)
    .values({ ...params, email: params.email.trim() })
    .onConflictDoNothing()
    .returning(publicColumns);
  return user ?? null;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | null> {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email.trim()})`);
  return user ?? null;
}

export async function getUser(db: Db, id: string): Promise<PublicUser | null> {
  const [user] = await db.select(publicColumns).from(users).where(eq(users.id, id));
  return user ?? null;
}

export async function createSession(db: Db, params: { id: string; userId: string; expiresAt: Date }) {
  await db.insert(sessions).values(params);
}

export async function getSessionUser(db: Db, sessionId: string): Promise<PublicUser | null> {
  const [row] = await db
    .select(publicColumns)
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, new Date())));
  return row ?? null;
}

export async function deleteSession(db: Db, sessionId: string) {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function setUserPaused(db: Db, params: { userId: string; reason: string | null }) {
  await db
    .update(users)
    .set({ pausedAt: params.reason ? new Date() : null, pausedReason: params.reason })
    .where(eq(users.id, params.userId));
}

// Keys carry 256 random bits, so a fast hash stores them safely (a slow password hash would only cost latency).
const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

/** Creates an API key and returns its plain text, which is never stored: only its hash and a short prefix are. */
export async function createApiKey(
  db: Db,
  params: { userId: string; name: string; scope?: ApiKeyScope },
): Promise<string> {
  const key = `${params.scope === "premium" ? "pwp_" : "pw_"}${randomBytes(32).toString("base64url")}`;
  await db.insert(apiKeys).values({ ...params, prefix: key.slice(0, 10), keyHash: hashApiKey(key) });
  return key;
}

export async function listApiKeys(db: Db, userId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      scope: apiKeys.scope,
    })
    .from(apiKeys)
    .where(eq(apiKeys.userId, userId))
    .orderBy(apiKeys.createdAt);
}

export async function revokeApiKey(db: Db, params: { userId: string; keyId: string }): Promise<boolean> {
  if (!isUuid(params.keyId)) return false;
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, params.keyId), eq(apiKeys.userId, params.userId), sql`${apiKeys.revokedAt} is null`))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

/** The key's owner, or null for an unknown or revoked key. Last use is recorded at most once a minute per key. */
export type ApiKeyScope = (typeof apiKeys.$inferSelect)["scope"];

export async function findUserByApiKey(db: Db, key: string, scope: ApiKeyScope = "api"): Promise<PublicUser | null> {
  const [row] = await db
    .select({ ...publicColumns, keyId: apiKeys.id, lastUsedAt: apiKeys.lastUsedAt, scope: apiKeys.scope })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), sql`${apiKeys.revokedAt} is null`));
  if (!row || row.scope !== scope) return null;
  const { keyId, lastUsedAt, scope: _scope, ...user } = row;
  if (!lastUsedAt || Date.now() - lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, keyId));
  }
  return user;
}
