import { sql } from "drizzle-orm";
import type { Db } from "../../client.ts";
import { queryRows } from "../../rows.ts";
import type { FormAnswers, RejectionReason, ReviewStatus, StoredValue, TextInputSignals } from "../../schema/index.ts";
import { effectiveReviewStatusSql } from "../review-state.ts";
import { byQuestion, type FormProject } from "./form-items.ts";
import { keysetPages, PAGE, parseJson } from "./pages.ts";

export interface FormRawAnswerRecord {
  item_id: string;
  labeler_id: string;
  /** Every question's answer in the item's terms (response i is the item's responses[i]); null: not answered. */
  answers: Record<string, StoredValue | null>;
  rationale: string | null;
  /** The responses as the labeler saw them, left to right (slot A first), as indices into the item's responses. */
  shown_order: number[] | null;
  assignment_id: number;
  time_spent_ms: number;
  answered_at: string;
  /** How each text answer was written (pastes, typing; no content), by question name, when the browser reported it. */
  input_signals: Record<string, TextInputSignals> | null;
  /** The review as it stands: pending, approved (by a person, on appeal or automatically after the delay), rejected. */
  review: ReviewStatus;
  rejection_reason: RejectionReason | null;
}

/** Every individual answer of a form project, in the order they were given. */
export async function* exportFormRawAnswers(db: Db, project: FormProject): AsyncGenerator<FormRawAnswerRecord> {
  const rows = keysetPages((after) =>
    queryRows<{
      id: string | number;
      external_id: string;
      labeler_id: string;
      answers: FormAnswers | string | null;
      rationale: string | null;
      response_order: number[] | string | null;
      assignment_id: string | number;
      time_spent_ms: number;
      created_at: string | Date;
      input_signals: Record<string, TextInputSignals> | string | null;
      review: ReviewStatus;
      rejection_reason: RejectionReason | null;
    }>(
      db,
      sql`select l.id, i.external_id, l.labeler_id, l.answers, l.rationale, a.response_order, l.assignment_id,
            l.time_spent_ms, l.created_at, l.input_signals, ${effectiveReviewStatusSql} as review, l.rejection_reason
          from labels l join items i on i.id = l.item_id join assignments a on a.id = l.assignment_id
            join projects p on p.id = l.project_id
          where l.project_id = ${project.id} and l.id > ${after}
          order by l.id limit ${PAGE}`,
    ),
  );
  for await (const r of rows) {
    yield {
      item_id: r.external_id,
      labeler_id: r.labeler_id,
      answers: byQuestion(project.questions, r.answers === null ? null : parseJson(r.answers)),
      rationale: r.rationale,
      shown_order: r.response_order === null ? null : parseJson(r.response_order),
      assignment_id: Number(r.assignment_id),
      time_spent_ms: r.time_spent_ms,
      answered_at: new Date(r.created_at).toISOString(),
      input_signals: r.input_signals === null ? null : parseJson(r.input_signals),
      review: r.review,
      rejection_reason: r.rejection_reason,
    };
  }
}
