import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { queryRows } from "../rows.ts";
import type { ItemContent } from "../schema/index.ts";

const PAGE = 1000;

interface VoteRow {
  id: string | number;
  external_id: string;
  content: ItemContent | string;
  metadata: Record<string, unknown> | string | null;
  gold: string | null;
  votes: Record<string, number> | string;
  answers: number;
}

const parse = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);

/** Items that have answers, with their vote counts, in id order, a page at a time (keyset pagination). */
async function* votedItems(db: Db, projectId: string): AsyncGenerator<VoteRow> {
  let after = 0;
  for (;;) {
    const rows = await queryRows<VoteRow>(
      db,
      sql`select i.id, i.external_id, i.content, i.metadata, i.gold, v.votes, v.answers
          from items i
          join lateral (
            select jsonb_object_agg(value, n) as votes, sum(n)::int as answers
            from (select value, count(*)::int as n from labels l where l.item_id = i.id group by value) c
          ) v on v.answers > 0
          where i.project_id = ${projectId} and i.id > ${after}
          order by i.id limit ${PAGE}`,
    );
    for (const row of rows) yield row;
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1].id);
  }
}

export interface PreferenceRecord {
  id: string;
  prompt: string;
  chosen: string;
  rejected: string;
  votes: Record<string, number>;
  agreement: number;
}

/**
 * TRL-ready preferences by simple majority of A over B; items whose A and B votes are level (or that got only
 * ties and "both bad") have no preference and are left out.
 */
export async function* exportPreferences(db: Db, projectId: string): AsyncGenerator<PreferenceRecord> {
  for await (const row of votedItems(db, projectId)) {
    const content = parse(row.content);
    if (content.kind !== "pairwise") continue;
    const votes = parse(row.votes);
    const a = votes.a ?? 0;
    const b = votes.b ?? 0;
    if (a === b) continue;
    yield {
      id: row.external_id,
      prompt: content.prompt,
      chosen: a > b ? content.responseA : content.responseB,
      rejected: a > b ? content.responseB : content.responseA,
      votes,
      agreement: Math.max(a, b) / row.answers,
    };
  }
}

export interface MajorityRecord {
  id: string;
  label: string;
  votes: Record<string, number>;
  agreement: number;
  gold: string | null;
}

/** Majority answer per item for any task type (ties broken by the answer's text, so the output is deterministic). */
export async function* exportMajority(db: Db, projectId: string): AsyncGenerator<MajorityRecord> {
  for await (const row of votedItems(db, projectId)) {
    const votes = parse(row.votes);
    const [label, n] = Object.entries(votes).sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0];
    yield { id: row.external_id, label, votes, agreement: n / row.answers, gold: row.gold };
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
}

/** Every individual answer, in the order they were given. */
export async function* exportRawAnswers(db: Db, projectId: string): AsyncGenerator<RawAnswerRecord> {
  let after = 0;
  for (;;) {
    const rows = await queryRows<{
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
    }>(
      db,
      sql`select l.id, i.external_id, l.labeler_id, l.value, l.strength, l.rationale, l.swapped,
            i.content->>'kind' as kind, l.assignment_id, l.time_spent_ms, l.created_at
          from labels l join items i on i.id = l.item_id
          where l.project_id = ${projectId} and l.id > ${after}
          order by l.id limit ${PAGE}`,
    );
    for (const r of rows) {
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
      };
    }
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1].id);
  }
}
