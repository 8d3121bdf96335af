import { sql } from "drizzle-orm";
import type { Db } from "../../client.ts";
import { queryRows } from "../../rows.ts";
import type { FormAnswers, Message } from "../../schema/index.ts";
import { bestResponse, chatMessages, comparisonQuestion, consensusItems, type FormProject } from "./form-items.ts";
import { keysetPages, PAGE, parseJson } from "./pages.ts";

export interface SftOptions {
  /** The text questions whose answers are the replies: each labeler's answer is one line. */
  rewrites: readonly string[];
  /** Also one line per item with the response the consensus ranked or preferred best. */
  best: boolean;
}

export interface SftRecord {
  id: string;
  /** The conversation (or the prompt as the user's message) and the reply as the assistant's last message. */
  messages: Message[];
  /** "rewrite": a labeler's answer to a text question; "best": the consensus best response. */
  source: "rewrite" | "best";
  /** The text question answered, or the preference / ranking question that picked the best response. */
  question: string;
  /** The model that wrote the best response, when known; null for rewrites. */
  model: string | null;
}

/** Every labeler's non-empty answer to the chosen text questions, in the order they were given. */
async function* rewrites(db: Db, projectId: string, questions: readonly string[]): AsyncGenerator<SftRecord> {
  const rows = keysetPages((after) =>
    queryRows<{
      id: string | number;
      external_id: string;
      prompt: string | null;
      messages: Message[] | string | null;
      answers: FormAnswers | string;
    }>(
      db,
      sql`select l.id, i.external_id, i.content->>'prompt' as prompt, i.content->'messages' as messages, l.answers
          from labels l join items i on i.id = l.item_id
          where l.project_id = ${projectId} and l.answers is not null and l.review_status <> 'rejected'
            and l.id > ${after}
          order by l.id limit ${PAGE}`,
    ),
  );
  for await (const r of rows) {
    const answers = parseJson(r.answers);
    const conversation = chatMessages({ prompt: r.prompt ?? undefined, messages: parseJson(r.messages) ?? undefined });
    for (const question of questions) {
      const text = answers[question];
      if (typeof text !== "string" || !text.trim()) continue;
      yield {
        id: r.external_id,
        messages: [...conversation, { role: "assistant", content: text }],
        source: "rewrite",
        question,
        model: null,
      };
    }
  }
}

/** Each item's consensus best response (items the crowd calls level give none). */
async function* bestResponses(db: Db, project: FormProject): AsyncGenerator<SftRecord> {
  const question = comparisonQuestion(project.questions);
  if (!question) return;
  for await (const item of consensusItems(db, project.id)) {
    const consensus = item.questions[question.name];
    const best = consensus ? bestResponse(consensus.result) : null;
    const response = best === null ? undefined : item.content.responses[best];
    if (!response) continue;
    yield {
      id: item.externalId,
      messages: [...chatMessages(item.content), { role: "assistant", content: response.text }],
      source: "best",
      question: question.name,
      model: response.model ?? null,
    };
  }
}

/** TRL conversational SFT lines of a form project: the labelers' rewrites, then (with `best`) the best responses. */
export async function* exportFormSft(db: Db, project: FormProject, options: SftOptions): AsyncGenerator<SftRecord> {
  if (options.rewrites.length) yield* rewrites(db, project.id, options.rewrites);
  if (options.best) yield* bestResponses(db, project);
}
