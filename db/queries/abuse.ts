import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { abuseSignals, projects, userDevices, users, type AbuseKind } from "../schema/index.ts";

export interface AbuseSignalInput {
  userId: string;
  kind: AbuseKind;
  scope: string;
  projectId?: string | null;
  detail: Record<string, unknown>;
}

/** Replaces a project's answer-pattern signals with the latest findings. */
export async function replaceProjectAbuseSignals(db: Db, params: { projectId: string; signals: AbuseSignalInput[] }) {
  await db.transaction(async (tx) => {
    await tx
      .delete(abuseSignals)
      .where(
        and(
          eq(abuseSignals.projectId, params.projectId),
          sql`${abuseSignals.kind} in ('too_fast', 'one_sided_streak')`,
        ),
      );
    if (params.signals.length) await tx.insert(abuseSignals).values(params.signals);
  });
}

export async function upsertAbuseSignals(db: Db, signals: AbuseSignalInput[]) {
  if (!signals.length) return;
  await db
    .insert(abuseSignals)
    .values(signals)
    .onConflictDoUpdate({
      target: [abuseSignals.userId, abuseSignals.kind, abuseSignals.scope],
      set: { detail: sql`excluded.detail`, detectedAt: sql`now()` },
    });
}

export async function listAbuseSignals(db: Db, limit = 200) {
  return db
    .select({
      id: abuseSignals.id,
      userId: abuseSignals.userId,
      email: users.email,
      name: users.name,
      userPausedAt: users.pausedAt,
      kind: abuseSignals.kind,
      scope: abuseSignals.scope,
      projectId: abuseSignals.projectId,
      projectTitle: projects.title,
      detail: abuseSignals.detail,
      detectedAt: abuseSignals.detectedAt,
    })
    .from(abuseSignals)
    .innerJoin(users, eq(users.id, abuseSignals.userId))
    .leftJoin(projects, eq(projects.id, abuseSignals.projectId))
    .orderBy(desc(abuseSignals.detectedAt), desc(abuseSignals.id))
    .limit(limit);
}

/**
 * Remembers a device fingerprint for an account; when other accounts share it, each of them gets a
 * shared_device signal (one device, several accounts). Returns the other accounts.
 */
export async function recordDevice(db: Db, params: { userId: string; fingerprint: string }): Promise<string[]> {
  const { userId, fingerprint } = params;
  await db
    .insert(userDevices)
    .values({ userId, fingerprint })
    .onConflictDoUpdate({ target: [userDevices.userId, userDevices.fingerprint], set: { lastSeen: sql`now()` } });
  const others = await db
    .select({ userId: userDevices.userId })
    .from(userDevices)
    .where(and(eq(userDevices.fingerprint, fingerprint), ne(userDevices.userId, userId)));
  if (others.length === 0) return [];
  const accounts = [userId, ...others.map((o) => o.userId)];
  await upsertAbuseSignals(
    db,
    accounts.map((id) => ({
      userId: id,
      kind: "shared_device" as const,
      scope: fingerprint,
      detail: { accounts: accounts.length, otherAccounts: accounts.filter((a) => a !== id) },
    })),
  );
  return others.map((o) => o.userId);
}
