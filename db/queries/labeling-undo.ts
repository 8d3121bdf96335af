import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DomainError, NotFoundError } from "../errors.ts";
import { queryRows } from "../rows.ts";
import { refuseIfPaused } from "./labeling.ts";
import type { FormAnswers } from "../schema/index.ts";

/** An answer that can no longer be taken back: its lease ran out, or a payout may already count it. */
export class UndoTooLateError extends DomainError {
  override name = "UndoTooLateError";
  constructor(message: string) {
    super("undo_too_late", message);
  }
}

// Over `a` (the answer's assignment) and `l` (its label): no payout has counted the answer and nobody reviewed it.
const leaseLiveSql = sql`a.expires_at > now()`;
const unplannedSql = sql`l.paid_epoch_id is null and l.review_status = 'pending'`;

/** The labeler's last answer on the project, if it can still be undone (its lease is live, no payout counts it). */
export async function findUndoableAnswer(
  db: Db,
  params: { labelerId: string; projectId: string },
): Promise<{ assignmentId: number } | null> {
  const [row] = await queryRows<{ assignment_id: number; undoable: boolean }>(
    db,
    sql`select a.id::int as assignment_id, (${leaseLiveSql} and ${unplannedSql}) as undoable
        from labels l join assignments a on a.id = l.assignment_id
        where l.labeler_id = ${params.labelerId} and l.project_id = ${params.projectId}
        order by l.created_at desc, l.id desc limit 1`,
  );
  return row?.undoable ? { assignmentId: row.assignment_id } : null;
}

/** The answer taken back, in the item's own terms, so the page can show it again. */
export interface UndoneAnswer {
  assignmentId: number;
  itemId: number;
  value: string;
  answers: FormAnswers | null;
  strength: number | null;
  rationale: string | null;
  swapped: boolean;
  /** The assignment's on-screen response order (form items), to show the answers where they were picked. */
  responseOrder: number[] | null;
}

interface UndoTarget {
  status: string;
  item_id: number;
  label_id: number | null;
  value: string | null;
  answers: FormAnswers | string | null;
  strength: number | null;
  rationale: string | null;
  swapped: boolean;
  response_order: number[] | string | null;
  lease_live: boolean;
  unplanned: boolean;
  later_answers: number;
  closed: boolean;
  project_paused: boolean;
  labeler_paused: string | null;
  paused_on_project: string | null;
}

/**
 * Takes back the labeler's last answer on the project, in one transaction: deletes its label, counts the item one
 * answer short again and gives the assignment back to the labeler as a lease (its original expiry), so the item is
 * shown again. Refused (UndoTooLateError) once the lease has run out or a payout may count the answer, and while the
 * labeler could not answer again (paused, project closed): an answer is never lost otherwise.
 */
export async function undoAnswer(
  db: Db,
  params: { assignmentId: number; labelerId: string; projectId: string },
): Promise<UndoneAnswer> {
  return db.transaction(async (tx) => {
    const [row] = await queryRows<UndoTarget>(
      tx,
      sql`select a.status, i.id::int as item_id, l.id::int as label_id, l.value, l.answers, l.strength, l.rationale,
            a.swapped, a.response_order, ${leaseLiveSql} as lease_live, coalesce(${unplannedSql}, false) as unplanned,
            (select count(*)::int from labels o where o.labeler_id = a.labeler_id and o.project_id = a.project_id
               and (o.created_at, o.id) > (l.created_at, l.id)) as later_answers,
            p.closed_at is not null as closed, p.paused as project_paused,
            (select u.paused_reason from users u where u.id = a.labeler_id) as labeler_paused,
            (select q.paused_reason from labeler_quality q where q.project_id = a.project_id
               and q.labeler_id = a.labeler_id and q.paused_at is not null) as paused_on_project
          from assignments a
          join items i on i.id = a.item_id
          join projects p on p.id = a.project_id
          left join labels l on l.assignment_id = a.id
          where a.id = ${params.assignmentId} and a.labeler_id = ${params.labelerId}
            and a.project_id = ${params.projectId}
          for update of a, i`,
    );
    if (!row) throw new NotFoundError("answer");
    if (row.status !== "answered" || row.label_id === null)
      throw new DomainError("nothing_to_undo", "This task has no answer to undo.");
    if (row.later_answers > 0) throw new DomainError("not_last_answer", "Only your last answer can be undone.");
    // Undone, the answer could not be given again: it would be lost.
    if (row.closed) throw new DomainError("project_closed", "This project is closed.");
    refuseIfPaused({
      paused: row.project_paused,
      labelerPaused: row.labeler_paused,
      pausedOnProject: row.paused_on_project,
    });
    if (!row.lease_live) throw new UndoTooLateError("Too late to undo: the lease on that item has run out.");
    if (!row.unplanned)
      throw new UndoTooLateError("Too late to undo: that answer is already counted for a payout or reviewed.");
    // The check above read the label without locking it: a payout or a review may have reached it since.
    const removed = await queryRows<{ id: number }>(
      tx,
      sql`delete from labels l where l.id = ${row.label_id} and ${unplannedSql} returning l.id`,
    );
    if (removed.length === 0)
      throw new UndoTooLateError("Too late to undo: that answer is already counted for a payout or reviewed.");
    await tx.execute(
      sql`with uncounted as (
              update items set answers = answers - 1, done = answers - 1 >= labels_wanted where id = ${row.item_id})
          update assignments set status = 'leased', finished_at = null where id = ${params.assignmentId}`,
    );
    return {
      assignmentId: params.assignmentId,
      itemId: row.item_id,
      value: row.value!,
      answers: typeof row.answers === "string" ? JSON.parse(row.answers) : row.answers,
      strength: row.strength,
      rationale: row.rationale,
      swapped: row.swapped,
      responseOrder: typeof row.response_order === "string" ? JSON.parse(row.response_order) : row.response_order,
    };
  });
}
