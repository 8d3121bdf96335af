import { eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DomainError, NotFoundError } from "../errors.ts";
import { queryRows } from "../rows.ts";
import { remainingFundsSql } from "./funds.ts";
import { awaitingPaySql } from "./review-state.ts";
import { admissionColumnsSql, toAdmissionGaps, type AdmissionGaps, type AdmissionRow } from "./qualifications.ts";
import {
  assignments,
  type FlagReason,
  type FormAnswers,
  type ItemContent,
  type TextInputSignals,
} from "../schema/index.ts";

export interface Task {
  assignmentId: number;
  itemId: number;
  projectId: string;
  content: ItemContent;
  swapped: boolean;
  /** Form items: the responses in on-screen order, as indices into the item's responses. */
  responseOrder: number[] | null;
  expiresAt: Date;
}

interface TaskRow {
  assignment_id: string | number;
  item_id: string | number;
  project_id: string;
  content: ItemContent | string;
  swapped: boolean;
  response_order: number[] | string | null;
  expires_at: Date | string;
}

function toTask(row: TaskRow): Task {
  return {
    assignmentId: Number(row.assignment_id),
    itemId: Number(row.item_id),
    projectId: row.project_id,
    content: typeof row.content === "string" ? JSON.parse(row.content) : row.content,
    swapped: row.swapped,
    responseOrder: typeof row.response_order === "string" ? JSON.parse(row.response_order) : row.response_order,
    expiresAt: new Date(row.expires_at),
  };
}

interface LeaseContext extends Partial<TaskRow>, FundsAtRate, AdmissionRow {
  paused: boolean;
  closed: boolean;
  lease_seconds: number;
  labeler_paused: string | null;
  project_paused_reason: string | null;
}

// What a project owes at the full rate beyond its commitments, over `p` (a projects row): answers some payout may
// still pay, and leases that may still be answered.
export const unplannedLabelsSql = sql`(select count(*) from labels l where l.project_id = p.id and ${awaitingPaySql})::int`;
// A form item's responses in a fresh random on-screen order, over `i` (an items row); null for the fixed shapes.
const responseOrderSql = sql`case when i.content->>'kind' = 'form' then (select jsonb_agg(n order by random())
  from generate_series(0, jsonb_array_length(i.content->'responses') - 1) n) end`;
// Over `p`: the project's leases that may still be answered.
export const liveLeasesSql = sql`(select count(*) from assignments a
  where a.project_id = p.id and a.status = 'leased' and a.expires_at > now())::int`;

// Over `p`: an upper bound of unplannedLabelsSql that costs sixteen rows, not a count of the project's answers:
// every answer no payout has paid (project_unpaid_answers, kept by triggers), rejected ones included.
const unpaidAnswersSql = sql`(select coalesce(sum(c.answers), 0) from project_unpaid_answers c
  where c.project_id = p.id)::int`;

// Over `p`: what checking a project's funds reads in the same statement as the rest.
const fundsColumnsSql = sql`p.reward_per_label::text, ${remainingFundsSql}::text as funds_left,
  ${unpaidAnswersSql} as unpaid_answers, ${liveLeasesSql} as live_leases`;

interface FundsAtRate {
  reward_per_label: string;
  funds_left: string;
  unpaid_answers: number;
  live_leases: number;
}

/** Whether one more answer is payable at the full rate, with `owed` answers and the live leases held for. */
function canPayOneMore(f: FundsAtRate, owed: number): boolean {
  return BigInt(owed + f.live_leases + 1) * BigInt(f.reward_per_label) <= BigInt(f.funds_left);
}

/**
 * Of these projects (their fundsColumnsSql), those whose funds cannot pay another answer. The bound decides nearly
 * always; only a project it cannot clear has its answers awaiting pay counted exactly.
 */
async function outOfFunds(db: Db, rows: (FundsAtRate & { id: string })[]): Promise<Set<string>> {
  const tight = new Map(rows.filter((row) => !canPayOneMore(row, row.unpaid_answers)).map((row) => [row.id, row]));
  if (tight.size === 0) return new Set();
  const counted = await queryRows<{ id: string; unplanned_labels: number }>(
    db,
    sql`select p.id, ${unplannedLabelsSql} as unplanned_labels from projects p where p.id in (${sql.join(
      [...tight.keys()].map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return new Set(counted.filter((c) => !canPayOneMore(tight.get(c.id)!, c.unplanned_labels)).map((c) => c.id));
}

/** Of these projects, those that stopped serving tasks because their funds could not pay another answer. */
export async function listOutOfFunds(db: Db, projectIds: readonly string[]): Promise<Set<string>> {
  if (projectIds.length === 0) return new Set();
  const rows = await queryRows<FundsAtRate & { id: string }>(
    db,
    sql`select p.id, ${fundsColumnsSql} from projects p where p.id in (${sql.join(
      projectIds.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return outOfFunds(db, rows);
}

/** Whether the project has stopped serving tasks because its funds could not pay another answer. */
export async function isOutOfFunds(db: Db, projectId: string): Promise<boolean> {
  return (await listOutOfFunds(db, [projectId])).has(projectId);
}

export function refuseIfPaused(s: { paused: boolean; labelerPaused: string | null; pausedOnProject: string | null }) {
  if (s.paused) throw new DomainError("project_paused", "This project is paused by its requester.");
  if (s.labelerPaused) throw new DomainError("labeler_paused", `Your account is paused: ${s.labelerPaused}`);
  if (s.pausedOnProject)
    throw new DomainError("paused_on_project", `You are paused on this project. ${s.pausedOnProject}`);
}

/** A labeler refused a project's tasks for want of a qualification; `tests` are the ones to take (maybe none). */
export class NotQualifiedError extends DomainError {
  override name = "NotQualifiedError";
  constructor(
    message: string,
    readonly tests: { id: string; title: string }[] = [],
  ) {
    super("not_qualified", message);
  }
}

/** Refuses a labeler who lacks a valid pass of a required test, or the project's minimum prior quality. */
export function refuseIfNotQualified(gaps: AdmissionGaps) {
  if (gaps.closedPrivate)
    throw new NotQualifiedError("This project is private: only labelers its requester invited can work on it.");
  if (gaps.missing.length) {
    const names = gaps.missing.map((t) => `"${t.title}"`).join(", ");
    const one = gaps.missing.length === 1;
    throw new NotQualifiedError(
      `This project requires the qualification test${one ? "" : "s"} ${names}: take ${one ? "it" : "them"} from your project list.`,
      gaps.missing,
    );
  }
  const min = gaps.minPriorQuality;
  if (min !== null && (gaps.priorQuality === null || gaps.priorQuality < min)) {
    const had = gaps.priorQuality === null ? "you have none yet" : `yours is ${gaps.priorQuality.toFixed(2)}`;
    throw new NotQualifiedError(
      `This project requires a quality score of at least ${min.toFixed(2)} on its requester's other projects; ${had}.`,
    );
  }
}

export const OUT_OF_FUNDS =
  "This project has no funds left for more answers: the answers already given use up what its requester paid in.";

/** The labeler's live lease on the project, if they hold one (reading it leases nothing). */
export async function getHeldTask(db: Db, params: { projectId: string; labelerId: string }): Promise<Task | null> {
  const [row] = await queryRows<TaskRow>(
    db,
    sql`select a.id as assignment_id, a.item_id, a.project_id, i.content, a.swapped, a.response_order, a.expires_at
        from assignments a join items i on i.id = a.item_id
        where a.labeler_id = ${params.labelerId} and a.project_id = ${params.projectId} and a.status = 'leased'
          and a.expires_at > now()
        order by a.leased_at limit 1`,
  );
  return row ? toTask(row) : null;
}

/**
 * Leases the next item to a labeler, Mechanical Turk style: an item they hold already comes back first; otherwise
 * the highest-priority open item they have never answered or skipped, whose answers plus live leases are under
 * its wanted count. Items are locked with SKIP LOCKED so concurrent labelers never wait on each other, and the
 * capacity is checked again by the insert itself, a fresh statement that sees every lease committed before it.
 */
export async function leaseNextTask(db: Db, params: { projectId: string; labelerId: string }): Promise<Task | null> {
  return db.transaction(async (tx) => {
    // A lease lost in a crash only returns its item to the pool, so its commit need not wait for the disk flush;
    // answers (submitAnswer) keep full durability. Sent with the first statement, not waited for on its own.
    const [, task] = await Promise.all([
      tx.execute(sql`set local synchronous_commit = off`),
      leaseNextTaskIn(tx, params),
    ]);
    return task;
  });
}

/** Over `i` (an items row): open items a labeler may lease, none of `tried`. */
function eligibleItemsSql(projectId: string, labelerId: string, tried: number[]) {
  const exclude = tried.length
    ? sql`and i.id not in (${sql.join(
        tried.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``;
  // A gold item is served only once its upload's gold commitment is finalized on chain.
  return sql`i.project_id = ${projectId} and not i.done and not i.awaiting_responses ${exclude}
      and (i.gold is null or exists (select 1 from gold_commitments g
        where g.upload_id = i.upload_id and g.signature is not null))
      and not exists (select 1 from assignments a
        where a.item_id = i.id and a.labeler_id = ${labelerId} and a.status <> 'leased')
      and i.answers + (select count(*) from assignments a
        where a.item_id = i.id and a.status = 'leased' and a.expires_at > now()) < i.labels_wanted`;
}

/**
 * The first eligible item, locked; "nulls last" matches items_open_idx, so the scan stops at the first hit. Leasing
 * and answering lock items "for no key update": they change no key, so rows that merely reference an item (a
 * consensus save inserting item_consensus rows takes key-share locks on 200k items) never hold them up.
 */
const candidateSql = (eligible: SQL) =>
  sql`select i.id from items i where ${eligible}
      order by i.priority desc nulls last, i.id limit 1 for no key update of i skip locked`;

/** leaseNextTask's work: the refusals, the held lease and the first candidate in one statement; the lease a second. */
async function leaseNextTaskIn(tx: Db, params: { projectId: string; labelerId: string }): Promise<Task | null> {
  const { projectId, labelerId } = params;
  const [context] = await queryRows<LeaseContext & { candidate_id: string | number | null }>(
    tx,
    sql`with candidate as (${candidateSql(eligibleItemsSql(projectId, labelerId, []))})
        select p.paused, p.closed_at is not null as closed, p.lease_seconds, ${fundsColumnsSql},
          u.paused_reason as labeler_paused, q.paused_reason as project_paused_reason,
          ${admissionColumnsSql(labelerId)}, h.*, (select id from candidate) as candidate_id
        from projects p
        join users u on u.id = ${labelerId}
        left join labeler_quality q on q.project_id = p.id and q.labeler_id = u.id and q.paused_at is not null
        left join lateral (
          select a.id as assignment_id, a.item_id, a.project_id, i.content, a.swapped, a.response_order, a.expires_at
          from assignments a join items i on i.id = a.item_id
          where a.labeler_id = ${labelerId} and a.project_id = p.id and a.status = 'leased' and a.expires_at > now()
          order by a.leased_at limit 1) h on true
        where p.id = ${projectId}`,
  );
  if (!context) throw new NotFoundError("project");
  if (context.closed) throw new DomainError("project_closed", "This project is closed.");
  refuseIfPaused({
    paused: context.paused,
    labelerPaused: context.labeler_paused,
    pausedOnProject: context.project_paused_reason,
  });
  refuseIfNotQualified(toAdmissionGaps(context));
  if (context.assignment_id) return toTask(context as TaskRow);
  // Labelers never work unpaid: one more answer must still be payable at the full rate from what was paid in.
  if ((await outOfFunds(tx, [{ ...context, id: projectId }])).size > 0)
    throw new DomainError("out_of_funds", OUT_OF_FUNDS);

  const tried: number[] = [];
  let candidateId = context.candidate_id;
  for (let attempt = 0; attempt < 60; attempt++) {
    const eligible = eligibleItemsSql(projectId, labelerId, tried);
    if (attempt > 0)
      [{ id: candidateId } = { id: null }] = await queryRows<{ id: string | number }>(tx, candidateSql(eligible));
    if (candidateId === null) {
      // Everything eligible may only be locked by labelers leasing right now: wait for them rather than
      // wrongly reporting that nothing is left.
      const [any] = await queryRows<{ id: string | number }>(
        tx,
        sql`select i.id from items i where ${eligible} limit 1`,
      );
      if (!any) return null;
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
      continue;
    }
    const itemId = Number(candidateId);
    const swapped = Math.random() < 0.5;
    const [row] = await queryRows<TaskRow>(
      tx,
      sql`with leased as (
            insert into assignments (item_id, project_id, labeler_id, status, swapped, response_order, leased_at, expires_at)
            select i.id, i.project_id, ${labelerId}, 'leased', ${swapped}, ${responseOrderSql}, now(),
              now() + make_interval(secs => ${context.lease_seconds})
            from items i
            where i.id = ${itemId} and i.answers + (select count(*) from assignments a
              where a.item_id = i.id and a.status = 'leased' and a.expires_at > now()) < i.labels_wanted
            on conflict (item_id, labeler_id) do update
              set status = 'leased', swapped = excluded.swapped, response_order = excluded.response_order,
                  leased_at = excluded.leased_at,
                  expires_at = excluded.expires_at
              where assignments.status = 'leased'
            returning id, item_id, project_id, swapped, response_order, expires_at)
          select l.id as assignment_id, l.item_id, l.project_id, i.content, l.swapped, l.response_order, l.expires_at
          from leased l join items i on i.id = l.item_id`,
    );
    if (row) return toTask(row);
    tried.push(itemId);
  }
  return null;
}

/** How the assignment showed the item: whether B was on the left (pairs), and the form responses' screen order. */
export interface ShownAs {
  swapped: boolean;
  responseOrder: number[] | null;
}

export interface Answer {
  /** In the item's own terms; a function gets how the item was shown and maps the on-screen choice back. */
  value: string | ((shown: ShownAs) => string);
  /** Form projects: each question's answer, in the item's own terms (or mapped back from how it was shown). */
  answers?: FormAnswers | ((shown: ShownAs) => FormAnswers);
  strength?: number | null;
  rationale?: string | null;
  /** What the browser measured; capped at the time the server saw the lease open. */
  timeSpentMs?: number | null;
  /** How each free-text answer was written (pastes, typing), by question name or "rationale"; no content. */
  inputSignals?: Record<string, TextInputSignals> | null;
}

interface HeldAssignment {
  id: number;
  status: string;
  swapped: boolean;
  response_order: number[] | string | null;
  expired: boolean;
  elapsed_ms: number;
  item_id: number;
  project_id: string;
  answers: number;
  labels_wanted: number;
  other_leases: number;
  closed: boolean;
  project_paused: boolean;
  labeler_paused: string | null;
  paused_on_project: string | null;
}

/** Locks the item and returns the labeler's assignment on it, refusing anything that is not their live lease. */
async function holdAssignment(
  tx: Db,
  params: { assignmentId: number; labelerId: string; projectId?: string },
): Promise<HeldAssignment> {
  const inProject = params.projectId ? sql`and a.project_id = ${params.projectId}` : sql``;
  const [row] = await queryRows<HeldAssignment>(
    tx,
    sql`select a.id::int, a.status, a.swapped, a.response_order, a.expires_at <= now() as expired,
          (extract(epoch from (now() - a.leased_at)) * 1000)::int as elapsed_ms,
          i.id::int as item_id, i.project_id, i.answers, i.labels_wanted,
          (select p.closed_at is not null from projects p where p.id = i.project_id) as closed,
          (select p.paused from projects p where p.id = i.project_id) as project_paused,
          (select u.paused_reason from users u where u.id = a.labeler_id) as labeler_paused,
          (select q.paused_reason from labeler_quality q
             where q.project_id = i.project_id and q.labeler_id = a.labeler_id and q.paused_at is not null) as paused_on_project,
          (select count(*)::int from assignments o where o.item_id = i.id and o.id <> a.id
             and o.status = 'leased' and o.expires_at > now()) as other_leases
        from assignments a join items i on i.id = a.item_id
        where a.id = ${params.assignmentId} and a.labeler_id = ${params.labelerId} ${inProject}
        for no key update of i, a`,
  );
  if (!row) throw new NotFoundError("assignment");
  refuseUnlessAnswerable(row);
  return row;
}

type HeldChecks = Pick<
  HeldAssignment,
  | "status"
  | "expired"
  | "closed"
  | "answers"
  | "other_leases"
  | "labels_wanted"
  | "project_paused"
  | "labeler_paused"
  | "paused_on_project"
>;

/** Refuses an assignment that is not the labeler's to finish now, before anything is written. */
function refuseUnlessAnswerable(row: HeldChecks) {
  // A paused project or labeler neither stores the answer nor leases the next.
  refuseIfPaused({
    paused: row.project_paused,
    labelerPaused: row.labeler_paused,
    pausedOnProject: row.paused_on_project,
  });
  if (row.status !== "leased") throw new DomainError("already_finished", "This task was already answered or skipped.");
  // A closed project takes the answers of leases still running, and no late ones: its refund waits for neither.
  if (row.expired && row.closed) throw new DomainError("project_closed", "This project is closed.");
  if (row.expired && row.answers + row.other_leases >= row.labels_wanted) {
    throw new DomainError("lease_expired", "Your lease on this task expired and it went to another labeler.");
  }
}

export interface StoredAnswer {
  labelId: number;
  itemId: number;
  projectId: string;
}

type AnswerParams = { assignmentId: number; labelerId: string; projectId?: string; answer: Answer };

/**
 * Stores a labeler's answer to the task they hold. An answer to a live lease that depends only on the side the
 * responses were shown on (every fixed shape) is one statement, so no lock outlives it; a form's answer, mapped
 * from the screen's response order, and one to an expired lease, which must count the item's other leases under
 * its lock, are a transaction.
 */
export async function submitAnswer(db: Db, params: AnswerParams): Promise<StoredAnswer> {
  if (typeof params.answer.answers !== "function") {
    const stored = await submitToLiveLease(db, params);
    if (stored) return stored;
  }
  return db.transaction((tx) => submitLocked(tx, params));
}

/** The statement of submitAnswer: null when the lease has expired (submitLocked decides those). */
async function submitToLiveLease(db: Db, params: AnswerParams): Promise<StoredAnswer | null> {
  const { answer } = params;
  const valueShown = (swapped: boolean) =>
    typeof answer.value === "function" ? answer.value({ swapped, responseOrder: null }) : answer.value;
  const answers = (answer.answers as FormAnswers | null | undefined) ?? null;
  const inProject = params.projectId ? sql`and a.project_id = ${params.projectId}` : sql``;
  const [row] = await queryRows<HeldChecks & { label_id: string | number | null; item_id: number; project_id: string }>(
    db,
    sql`with held as (
          select a.id, a.status, a.swapped, a.expires_at <= now() as expired,
            (extract(epoch from (now() - a.leased_at)) * 1000)::int as elapsed_ms,
            i.id::int as item_id, i.project_id, i.answers, i.labels_wanted,
            p.closed_at is not null as closed, p.paused as project_paused, u.paused_reason as labeler_paused,
            (select q.paused_reason from labeler_quality q
               where q.project_id = i.project_id and q.labeler_id = a.labeler_id and q.paused_at is not null) as paused_on_project,
            0 as other_leases
          from assignments a join items i on i.id = a.item_id join projects p on p.id = i.project_id
            join users u on u.id = a.labeler_id
          where a.id = ${params.assignmentId} and a.labeler_id = ${params.labelerId} ${inProject}
          for no key update of a),
        live as (
          select * from held where status = 'leased' and not expired and not project_paused
            and labeler_paused is null and paused_on_project is null),
        answered as (
          update assignments set status = 'answered', finished_at = now() where id = (select id from live)),
        counted as (
          update items set answers = answers + 1, done = answers + 1 >= labels_wanted
          where id = (select item_id from live)),
        stored as (
          insert into labels (assignment_id, item_id, project_id, labeler_id, value, answers, strength, rationale, swapped,
            time_spent_ms, input_signals)
          select l.id, l.item_id, l.project_id, ${params.labelerId},
            case when l.swapped then ${valueShown(true)} else ${valueShown(false)} end,
            ${answers === null ? null : JSON.stringify(answers)}::jsonb,
            ${answer.strength ?? null}, ${answer.rationale?.trim() || null}, l.swapped,
            greatest(0, least(coalesce(${answer.timeSpentMs ?? null}::int, l.elapsed_ms), l.elapsed_ms)),
            ${answer.inputSignals ? JSON.stringify(answer.inputSignals) : null}::jsonb
          from live l
          returning id)
        select h.status, h.expired, h.closed, h.answers, h.other_leases, h.labels_wanted, h.project_paused,
          h.labeler_paused, h.paused_on_project, h.item_id, h.project_id, (select id from stored) as label_id
        from held h`,
  );
  if (!row) throw new NotFoundError("assignment");
  if (row.label_id !== null) return { labelId: Number(row.label_id), itemId: row.item_id, projectId: row.project_id };
  // Not stored: a refusal says why, and an expired lease is decided again under the item's lock.
  refuseUnlessAnswerable({ ...row, expired: false });
  return null;
}

/** submitAnswer as a transaction, with the item locked. */
async function submitLocked(
  tx: Db,
  params: { assignmentId: number; labelerId: string; projectId?: string; answer: Answer },
): Promise<StoredAnswer> {
  const held = await holdAssignment(tx, params);
  const { answer } = params;
  const shown: ShownAs = {
    swapped: held.swapped,
    responseOrder: typeof held.response_order === "string" ? JSON.parse(held.response_order) : held.response_order,
  };
  const value = typeof answer.value === "function" ? answer.value(shown) : answer.value;
  const answers = typeof answer.answers === "function" ? answer.answers(shown) : (answer.answers ?? null);
  const timeSpentMs = Math.max(0, Math.min(answer.timeSpentMs ?? held.elapsed_ms, held.elapsed_ms));
  const [label] = await queryRows<{ id: string | number }>(
    tx,
    sql`with answered as (
            update assignments set status = 'answered', finished_at = now() where id = ${held.id}),
          counted as (
            update items set answers = answers + 1, done = answers + 1 >= labels_wanted where id = ${held.item_id})
          insert into labels (assignment_id, item_id, project_id, labeler_id, value, answers, strength, rationale, swapped,
            time_spent_ms, input_signals)
          values (${held.id}, ${held.item_id}, ${held.project_id}, ${params.labelerId}, ${value},
            ${answers === null ? null : JSON.stringify(answers)}::jsonb,
            ${answer.strength ?? null}, ${answer.rationale?.trim() || null}, ${held.swapped}, ${timeSpentMs},
            ${answer.inputSignals ? JSON.stringify(answer.inputSignals) : null}::jsonb)
          returning id`,
  );
  return { labelId: Number(label.id), itemId: held.item_id, projectId: held.project_id };
}

/** Skips a task, or flags it with a reason; either way the labeler never gets that item again. */
export async function releaseTask(
  db: Db,
  params: { assignmentId: number; labelerId: string; projectId?: string; flag?: FlagReason },
): Promise<void> {
  await db.transaction(async (tx) => {
    const held = await holdAssignment(tx, params);
    await tx
      .update(assignments)
      .set({ status: params.flag ? "flagged" : "skipped", flagReason: params.flag ?? null, finishedAt: new Date() })
      .where(eq(assignments.id, held.id));
  });
}

export async function getLabelerCounts(db: Db, params: { labelerId: string; projectId?: string }) {
  const scope = params.projectId ? sql`and project_id = ${params.projectId}` : sql``;
  const [row] = await queryRows<{ today: number; total: number }>(
    db,
    sql`select count(*) filter (where created_at >= date_trunc('day', now()))::int as today, count(*)::int as total
        from labels where labeler_id = ${params.labelerId} ${scope}`,
  );
  return row;
}

/** Sets the time spent on each of a project's answers to `minMs` plus a spread by answer (demo data). */
export async function spreadAnswerTimes(db: Db, params: { projectId: string; minMs: number; spanMs: number }) {
  await db.execute(
    sql`update labels set time_spent_ms = ${params.minMs} + (id * 7919) % ${params.spanMs} where project_id = ${params.projectId}`,
  );
}
