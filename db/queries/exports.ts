import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { queryRows } from "../rows.ts";
import type { ItemContent, RejectionReason, ReviewStatus, TextInputSignals } from "../schema/index.ts";
import { effectiveReviewStatusSql } from "./review-state.ts";
import { keysetPages, PAGE, parseJson as parse } from "./exports/pages.ts";

export type { FormProject } from "./exports/form-items.ts";
export * from "./exports/form-preferences.ts";
export * from "./exports/form-ratings.ts";
export * from "./exports/form-sft.ts";
export * from "./exports/form-followup.ts";
export * from "./exports/form-consensus.ts";
export * from "./exports/form-raw.ts";

interface VoteRow {
  id: string | number;
  external_id: string;
  content: ItemContent | string;
  gold: string | null;
  votes: Record<string, number> | string;
  answers: number;
  label: string;
  confidence: number;
  detail: Record<string, number> | string;
}

/** Items with a stored consensus and their raw vote counts, in id order, a page at a time (keyset pagination). */
function consensusItems(db: Db, projectId: string): AsyncGenerator<VoteRow> {
  return keysetPages((after) =>
    queryRows<VoteRow>(
      db,
      sql`select i.id, i.external_id, i.content, i.gold, v.votes, v.answers, c.label, c.confidence, c.detail
          from items i
          join item_consensus c on c.item_id = i.id
          join lateral (
            select jsonb_object_agg(value, n) as votes, sum(n)::int as answers
            -- project_id too, so the look-up is one range of labels_project_idx (project_id, item_id), not a scan of it.
            from (select value, count(*)::int as n from labels l
                  where l.project_id = i.project_id and l.item_id = i.id and l.review_status <> 'rejected'
                  group by value) c
          ) v on v.answers > 0
          where i.project_id = ${projectId} and i.id > ${after}
          order by i.id limit ${PAGE}`,
    ),
  );
}

export interface PreferenceRecord {
  id: string;
  prompt: string;
  chosen: string;
  rejected: string;
  /** Probability under the consensus model that `chosen` is the better response. */
  confidence: number;
  votes: Record<string, number>;
}

/**
 * TRL-ready preferences from the stored consensus (labeler reliability and position bias taken into account);
 * items the crowd calls level are left out. Raw votes ride along.
 */
export async function* exportPreferences(db: Db, projectId: string): AsyncGenerator<PreferenceRecord> {
  for await (const row of consensusItems(db, projectId)) {
    const content = parse(row.content);
    if (content.kind !== "pairwise" || (row.label !== "a" && row.label !== "b")) continue;
    const aWins = row.label === "a";
    yield {
      id: row.external_id,
      prompt: content.prompt,
      chosen: aWins ? content.responseA : content.responseB,
      rejected: aWins ? content.responseB : content.responseA,
      confidence: row.confidence,
      votes: parse(row.votes),
    };
  }
}

export interface ConsensusRecord {
  id: string;
  label: string;
  confidence: number;
  /** labels/ratings: posterior per class; pairwise: pA, the probability that A is better. */
  posterior: Record<string, number>;
  votes: Record<string, number>;
  gold: string | null;
}

/** The consensus answer per item for any task type, with its confidence and the raw votes. */
export async function* exportConsensus(db: Db, projectId: string): AsyncGenerator<ConsensusRecord> {
  for await (const row of consensusItems(db, projectId)) {
    const detail = parse(row.detail);
    const posterior = "pA" in detail ? { pA: detail.pA } : detail;
    yield {
      id: row.external_id,
      label: row.label,
      confidence: row.confidence,
      posterior,
      votes: parse(row.votes),
      gold: row.gold,
    };
  }
}

export interface RawAnswerRecord {
  item_id: string;
  labeler_id: string;
  answer: string;
  strength: number | null;
  rationale: string | null;
  shown_order: "ab" | "ba" | null;
  assignment_id: number;
  time_spent_ms: number;
  answered_at: string;
  /** How the rationale was written (pastes, typing; no content), when the browser reported it. */
  input_signals: Record<string, TextInputSignals> | null;
  /** The review as it stands: pending, approved (by a person, on appeal or automatically after the delay), rejected. */
  review: ReviewStatus;
  rejection_reason: RejectionReason | null;
}

/** Every individual answer, in the order they were given. */
export async function* exportRawAnswers(db: Db, projectId: string): AsyncGenerator<RawAnswerRecord> {
  const rows = keysetPages((after) =>
    queryRows<{
      id: string | number;
      external_id: string;
      labeler_id: string;
      value: string;
      strength: number | null;
      rationale: string | null;
      swapped: boolean;
      kind: string;
      assignment_id: string | number;
      time_spent_ms: number;
      created_at: string | Date;
      input_signals: Record<string, TextInputSignals> | string | null;
      review: ReviewStatus;
      rejection_reason: RejectionReason | null;
    }>(
      db,
      sql`select l.id, i.external_id, l.labeler_id, l.value, l.strength, l.rationale, l.swapped,
            i.content->>'kind' as kind, l.assignment_id, l.time_spent_ms, l.created_at, l.input_signals,
            ${effectiveReviewStatusSql} as review, l.rejection_reason
          from labels l join items i on i.id = l.item_id join projects p on p.id = l.project_id
          where l.project_id = ${projectId} and l.id > ${after}
          order by l.id limit ${PAGE}`,
    ),
  );
  for await (const r of rows) {
    yield {
      item_id: r.external_id,
      labeler_id: r.labeler_id,
      answer: r.value,
      strength: r.strength,
      rationale: r.rationale,
      shown_order: r.kind === "pairwise" ? (r.swapped ? "ba" : "ab") : null,
      assignment_id: Number(r.assignment_id),
      time_spent_ms: r.time_spent_ms,
      answered_at: new Date(r.created_at).toISOString(),
      input_signals: r.input_signals === null ? null : parse(r.input_signals),
      review: r.review,
      rejection_reason: r.rejection_reason,
    };
  }
}
