import { and, desc, eq, lt, ne, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { queryRows } from "../rows.ts";
import { pastedWholeSql, textFieldsSql, type PastedWholeRule } from "./projects.ts";
import {
  abuseSignals,
  projects,
  rateLimitCounters,
  userDevices,
  users,
  type AbuseKind,
  type DeviceSource,
  type Role,
} from "../schema/index.ts";

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

/**
 * The newest signals, for admins to review; admins' own accounts are left out (an admin trying the labeler pages
 * on their own browser is not abuse).
 */
export async function listAbuseSignals(db: Db, limit = 500) {
  return db
    .select({
      id: abuseSignals.id,
      userId: abuseSignals.userId,
      email: users.email,
      name: users.name,
      role: users.role,
      userPausedAt: users.pausedAt,
      userPausedReason: users.pausedReason,
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
    .where(ne(users.role, "admin"))
    .orderBy(desc(abuseSignals.detectedAt), desc(abuseSignals.id))
    .limit(limit);
}

export type AbuseSignalRow = Awaited<ReturnType<typeof listAbuseSignals>>[number];

/**
 * Per account (admins left out), across projects: text answers with input signals, and how many of them `rule` calls
 * pasted in whole; only accounts with at least `minTextAnswers` and one pasted answer.
 */
export async function listPastedTextCounts(db: Db, params: { rule: PastedWholeRule; minTextAnswers: number }) {
  const rows = await queryRows<{
    user_id: string;
    email: string;
    name: string;
    role: Role;
    paused_at: string | Date | null;
    paused_reason: string | null;
    text_answers: number;
    pasted_whole: number;
    last_at: string | Date;
  }>(
    db,
    sql`select u.id as user_id, u.email, u.name, u.role, u.paused_at, u.paused_reason, t.text_answers, t.pasted_whole,
          t.last_at
        from (select l.labeler_id, count(*)::int as text_answers,
                count(*) filter (where ${pastedWholeSql(params.rule)})::int as pasted_whole, max(l.created_at) as last_at
              from labels l cross join lateral ${textFieldsSql} f
              where l.input_signals is not null and char_length(coalesce(f.text, '')) > 0
              group by l.labeler_id) t
        join users u on u.id = t.labeler_id
        where u.role <> 'admin' and t.text_answers >= ${params.minTextAnswers} and t.pasted_whole > 0
        order by t.last_at desc`,
  );
  return rows.map((r) => ({
    userId: r.user_id,
    email: r.email,
    name: r.name,
    role: r.role,
    userPausedAt: r.paused_at === null ? null : new Date(r.paused_at),
    userPausedReason: r.paused_reason,
    textAnswers: r.text_answers,
    pastedWhole: r.pasted_whole,
    lastAt: new Date(r.last_at),
  }));
}

export type PastedTextCount = Awaited<ReturnType<typeof listPastedTextCounts>>[number];

/**
 * Remembers a device identifier for an account. Only server-issued identifiers (`source: "server"`) are compared
 * across accounts: when other accounts have the same one, each of them gets a shared_device signal (one device,
 * several accounts), and the other accounts are returned. Admins' accounts are never compared: an admin trying the
 * labeler pages on their own browser is not abuse. A `hint` (what the client says about itself) stays on
 * the account that sent it, so nobody can attach a signal to another account by quoting its fingerprint.
 */
export async function recordDevice(
  db: Db,
  params: { userId: string; fingerprint: string; source: DeviceSource },
): Promise<string[]> {
  const { userId, fingerprint, source } = params;
  await db
    .insert(userDevices)
    .values({ userId, fingerprint, source })
    .onConflictDoUpdate({
      target: [userDevices.userId, userDevices.source, userDevices.fingerprint],
      set: { lastSeen: sql`now()` },
    });
  if (source !== "server") return [];
  const [self] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId));
  if (!self || self.role === "admin") return [];
  const others = await db
    .select({ userId: userDevices.userId })
    .from(userDevices)
    .innerJoin(users, eq(users.id, userDevices.userId))
    .where(
      and(
        eq(userDevices.source, "server"),
        eq(userDevices.fingerprint, fingerprint),
        ne(userDevices.userId, userId),
        ne(users.role, "admin"),
      ),
    );
  if (others.length === 0) return [];
  const accounts = [userId, ...others.map((o) => o.userId)];
  await upsertAbuseSignals(
    db,
    accounts.map((id) => ({
      userId: id,
      kind: "shared_device" as const,
      scope: fingerprint,
      detail: {
        accounts: accounts.length,
        otherAccounts: accounts.filter((a) => a !== id),
        evidence: "server-issued device cookie",
      },
    })),
  );
  return others.map((o) => o.userId);
}

/**
 * Spends one point of `key` in the current fixed window of `windowSeconds` (aligned to the database's clock, so
 * every process counts in the same one) with one atomic upsert, and returns the points spent in this window and
 * in the one before, and how far into this window the database's clock is.
 */
export async function hitRateLimit(
  db: Db,
  params: { key: string; windowSeconds: number },
): Promise<{ points: number; previous: number; elapsedSeconds: number }> {
  const { key } = params;
  const w = Math.trunc(params.windowSeconds);
  const [row] = await queryRows<{ points: number; previous: number; elapsed: number }>(
    db,
    sql`with hit as (
          insert into rate_limit_counters as c (key, window_start, points)
          values (${key}, to_timestamp(floor(extract(epoch from now()) / ${w}::int) * ${w}::int), 1)
          on conflict (key, window_start) do update set points = c.points + 1
          returning c.points, c.window_start
        )
        select hit.points::int as points,
          coalesce((select p.points from rate_limit_counters p
                    where p.key = ${key} and p.window_start = hit.window_start - ${w}::int * interval '1 second'), 0)::int
            as previous,
          extract(epoch from now() - hit.window_start)::float8 as elapsed
        from hit`,
  );
  return { points: Number(row.points), previous: Number(row.previous), elapsedSeconds: Number(row.elapsed) };
}

/** Deletes counters of windows that started more than `olderThanSeconds` ago. */
export async function pruneRateLimits(db: Db, params: { olderThanSeconds: number }): Promise<void> {
  await db
    .delete(rateLimitCounters)
    .where(
      lt(rateLimitCounters.windowStart, sql`now() - ${Math.trunc(params.olderThanSeconds)}::int * interval '1 second'`),
    );
}
