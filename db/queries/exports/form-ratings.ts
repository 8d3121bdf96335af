import type { Db } from "../../client.ts";
import type { Message, Question, RatingConsensus } from "../../schema/index.ts";
import { chatMessages, consensusItems, type ConsensusItem, type FormProject } from "./form-items.ts";

type Ratings = Record<string, RatingConsensus | null>;

export interface RatingsRecord {
  id: string;
  /** The item's prompt, or null when it is a conversation (then `messages`). */
  prompt: string | null;
  messages: Message[] | null;
  /** The responses in the item's order; `ratings` when the form rates each response. */
  completions: { text: string; model: string | null; ratings?: Ratings }[];
  /** The ratings of the item as a whole, when the form has such questions. */
  ratings?: Ratings;
}

const isRating = (q: Question): q is Extract<Question, { type: "rating" }> => q.type === "rating";

/** Each question's consensus for one rated target of the item: the item itself (0), or response `target`. */
function targetRatings(item: ConsensusItem, questions: readonly Question[], target: number): Ratings {
  return Object.fromEntries(
    questions.map((q) => {
      const c = item.questions[q.name]?.result;
      return [q.name, c?.type === "rating" ? (c.values[target] ?? null) : null];
    }),
  );
}

/**
 * The consensus ratings of a form project, one line per item, with every rating question of the form
 * (null where the item has no consensus for it): per response inside `completions`, per item in `ratings`.
 */
export async function* exportFormRatings(db: Db, project: FormProject): AsyncGenerator<RatingsRecord> {
  const rating = project.questions.filter(isRating);
  const perResponse = rating.filter((q) => q.per === "response");
  const perItem = rating.filter((q) => q.per === "item");
  for await (const item of consensusItems(db, project.id)) {
    if (!rating.some((q) => item.questions[q.name])) continue;
    const { prompt, messages, responses } = item.content;
    yield {
      id: item.externalId,
      prompt: messages ? null : (prompt ?? null),
      messages: messages ? chatMessages(item.content) : null,
      completions: responses.map((r, i) => ({
        text: r.text,
        model: r.model ?? null,
        ...(perResponse.length ? { ratings: targetRatings(item, perResponse, i) } : {}),
      })),
      ...(perItem.length ? { ratings: targetRatings(item, perItem, 0) } : {}),
    };
  }
}
