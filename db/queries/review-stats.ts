// How requesters review, as labelers see it on the project list: how many of the answers decided they approved, how
// long an answer waits for its approval, and how their appeal decisions went. Over all of each requester's projects.
import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { queryRows } from "../rows.ts";
import { approvedAtSql, effectiveReviewStatusSql } from "./review-state.ts";

export interface RequesterReviewStats {
  ownerId: string;
  /** Answers approved or rejected as they stand now: by a person, or approved automatically past the delay. */
  decided: number;
  /** Of those, approved (automatic approvals and appeals overturned included). */
  approved: number;
  /** approved ÷ decided; null while nothing is decided. */
  approvalRate: number | null;
  /** Mean hours from an answer to its approval (a person's or the automatic one); null before any approval. */
  meanApprovalHours: number | null;
  /** Appeals the requester decided, and of those the ones overturned (the answer approved after all). */
  appealsDecided: number;
  appealsOverturned: number;
}

const NONE: Omit<RequesterReviewStats, "ownerId"> = {
  decided: 0,
  approved: 0,
  approvalRate: null,
  meanApprovalHours: null,
  appealsDecided: 0,
  appealsOverturned: 0,
};

/** Each requester's review figures in one query, by owner id (every id asked for is in the map). */
export async function listRequesterReviewStats(
  db: Db,
  params: { ownerIds: readonly string[] },
): Promise<Map<string, RequesterReviewStats>> {
  const ownerIds = [...new Set(params.ownerIds)];
  const stats = new Map(ownerIds.map((ownerId) => [ownerId, { ownerId, ...NONE }]));
  if (ownerIds.length === 0) return stats;
  const owners = sql.join(
    ownerIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const rows = await queryRows<{
    owner_id: string;
    decided: number | null;
    approved: number | null;
    mean_seconds: number | string | null;
    appeals_decided: number | null;
    appeals_overturned: number | null;
  }>(
    db,
    sql`with answers as (
          select p.owner_id, ${effectiveReviewStatusSql} as status,
            case when ${effectiveReviewStatusSql} = 'approved' then ${approvedAtSql} - l.created_at end as waited
          from labels l join projects p on p.id = l.project_id
          where p.owner_id in (${owners})
        ),
        reviews as (
          select owner_id,
            count(*) filter (where status in ('approved', 'rejected'))::int as decided,
            count(*) filter (where status = 'approved')::int as approved,
            avg(extract(epoch from waited))::float8 as mean_seconds
          from answers group by owner_id
        ),
        appeals as (
          select p.owner_id, count(*)::int as decided,
            count(*) filter (where ap.decision = 'overturned')::int as overturned
          from answer_appeals ap join projects p on p.id = ap.project_id
          where ap.decided_at is not null and p.owner_id in (${owners})
          group by p.owner_id
        )
        select coalesce(r.owner_id, a.owner_id) as owner_id, r.decided, r.approved, r.mean_seconds,
          a.decided as appeals_decided, a.overturned as appeals_overturned
        from reviews r full join appeals a on a.owner_id = r.owner_id`,
  );
  for (const r of rows) {
    const decided = r.decided ?? 0;
    const approved = r.approved ?? 0;
    stats.set(r.owner_id, {
      ownerId: r.owner_id,
      decided,
      approved,
      approvalRate: decided === 0 ? null : approved / decided,
      meanApprovalHours: r.mean_seconds === null ? null : Number(r.mean_seconds) / 3600,
      appealsDecided: r.appeals_decided ?? 0,
      appealsOverturned: r.appeals_overturned ?? 0,
    });
  }
  return stats;
}
