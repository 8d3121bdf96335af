import { sql } from "drizzle-orm";
import type { Db } from "../../client.ts";
import { queryRows } from "../../rows.ts";
import type { FormContent, Message, Question, QuestionConsensus, StoredValue } from "../../schema/index.ts";
import { keysetPages, PAGE, parseJson } from "./pages.ts";

/** What a form export needs of its project. */
export interface FormProject {
  id: string;
  questions: readonly Question[];
}

export interface ConsensusItem {
  externalId: string;
  content: FormContent;
  /** Gold answers by question name (item terms), as uploaded. */
  gold: Record<string, StoredValue> | null;
  /** The stored consensus of each question that has one, with its confidence. */
  questions: Record<string, { result: QuestionConsensus; confidence: number }>;
}

/** The project's items that have a consensus for at least one question, in id order, a page at a time. */
export async function* consensusItems(db: Db, projectId: string): AsyncGenerator<ConsensusItem> {
  const rows = keysetPages((after) =>
    queryRows<{
      id: string | number;
      external_id: string;
      content: FormContent | string;
      gold: string | null;
      questions: ConsensusItem["questions"] | string;
    }>(
      db,
      sql`select i.id, i.external_id, i.content, i.gold, q.questions
          from items i
          join lateral (
            select jsonb_object_agg(c.question, jsonb_build_object('result', c.result, 'confidence', c.confidence))
              as questions
            from question_consensus c where c.item_id = i.id
          ) q on q.questions is not null
          where i.project_id = ${projectId} and i.id > ${after}
          order by i.id limit ${PAGE}`,
    ),
  );
  for await (const r of rows) {
    yield {
      externalId: r.external_id,
      content: parseJson(r.content),
      gold: r.gold === null ? null : (JSON.parse(r.gold) as Record<string, StoredValue>),
      questions: parseJson(r.questions),
    };
  }
}

/** The item's conversation as chat messages (exactly role and content): its messages, or its prompt as the user's. */
export function chatMessages(content: Pick<FormContent, "prompt" | "messages">): Message[] {
  return content.messages
    ? content.messages.map(({ role, content }) => ({ role, content }))
    : [{ role: "user", content: content.prompt ?? "" }];
}

/** The question that compares the responses: a project asks at most one preference or ranking question. */
export function comparisonQuestion(questions: readonly Question[]): Question | undefined {
  return questions.find((q) => q.type === "preference" || q.type === "ranking");
}

/** The response the consensus calls best (its index), or null when it calls the two level. */
export function bestResponse(result: QuestionConsensus): number | null {
  if (result.type === "ranking") return result.order[0] ?? null;
  if (result.type === "preference") return result.label === "a" ? 0 : result.label === "b" ? 1 : null;
  return null;
}

/** Whether any item of the project is a conversation (so a column of prompts must hold message lists). */
export async function hasConversations(db: Db, projectId: string): Promise<boolean> {
  const [row] = await queryRows<{ found: boolean }>(
    db,
    sql`select exists (select 1 from items where project_id = ${projectId} and content->'messages' is not null)
          as found`,
  );
  return row.found;
}

/** Each question's value, null where there is none: every line of an export has the same keys. */
export function byQuestion<T>(questions: readonly Question[], values: Record<string, T> | null | undefined) {
  return Object.fromEntries(questions.map((q) => [q.name, values?.[q.name] ?? null])) as Record<string, T | null>;
}
