import { sql } from "drizzle-orm";
import type { Db } from "../../client.ts";
import { queryRows } from "../../rows.ts";
import { MAX_RESPONSES, type FormAnswers, type Message } from "../../schema/index.ts";
import { keysetPages, PAGE, parseJson } from "./pages.ts";

/** An item of a follow-up project: the original prompt or conversation, the labelers' texts as its responses. */
export interface FollowUpRecord {
  id: string;
  prompt?: string;
  messages?: Message[];
  responses: { text: string; model: string }[];
  metadata: { fromItem: string; question: string; answers: number[]; left_out: number };
}

/**
 * Text answers to one question, grouped by item, in the upload shape of a form project (at most MAX_RESPONSES per
 * item, the earliest first; `left_out` counts the rest), so other labelers can rate or rank them in a follow-up
 * project. `answers` names the raw answers (labels) each response came from.
 */
export async function* exportFormFollowUp(
  db: Db,
  params: { projectId: string; question: string },
): AsyncGenerator<FollowUpRecord> {
  const rows = keysetPages((after) =>
    queryRows<{
      id: string | number;
      external_id: string;
      prompt: string | null;
      messages: Message[] | string | null;
      texts: { label: number; answers: FormAnswers }[] | string;
    }>(
      db,
      sql`select i.id, i.external_id, i.content->>'prompt' as prompt, i.content->'messages' as messages, t.texts
          from items i
          join lateral (
            select jsonb_agg(jsonb_build_object('label', l.id, 'answers', l.answers) order by l.id) as texts
            from labels l where l.item_id = i.id and l.answers ? ${params.question} and l.review_status <> 'rejected'
          ) t on t.texts is not null
          where i.project_id = ${params.projectId} and i.id > ${after}
          order by i.id limit ${PAGE}`,
    ),
  );
  for await (const r of rows) {
    const texts = parseJson(r.texts)
      .map((t) => ({ label: Number(t.label), text: t.answers[params.question] }))
      .filter((t): t is { label: number; text: string } => typeof t.text === "string" && t.text.trim() !== "");
    if (!texts.length) continue;
    const kept = texts.slice(0, MAX_RESPONSES);
    const messages = parseJson(r.messages);
    yield {
      id: `${r.external_id}:${params.question}`,
      ...(messages ? { messages } : { prompt: r.prompt ?? "" }),
      responses: kept.map((t) => ({ text: t.text, model: "labeler rewrite" })),
      metadata: {
        fromItem: r.external_id,
        question: params.question,
        answers: kept.map((t) => t.label),
        left_out: texts.length - kept.length,
      },
    };
  }
}
