import type { Db } from "../../client.ts";
import type { FormContent, FormResponse, Message, QuestionConsensus } from "../../schema/index.ts";
import { chatMessages, comparisonQuestion, consensusItems, hasConversations, type FormProject } from "./form-items.ts";

/** Which pairs of a consensus ranking to export: every pair of its order, or the best response against each other. */
export type RankingPairs = "all" | "best";

export interface FormPair {
  id: string;
  content: FormContent;
  chosen: FormResponse;
  rejected: FormResponse;
  /** Probability under the consensus model that `chosen` is the better response. */
  confidence: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** [chosen, rejected, confidence] as response indices; pairs the consensus calls level are left out. */
function consensusPairs(result: QuestionConsensus, pairs: RankingPairs): [number, number, number][] {
  if (result.type === "preference") {
    if (result.label === "a") return [[0, 1, result.pA]];
    if (result.label === "b") return [[1, 0, 1 - result.pA]];
    return [];
  }
  if (result.type !== "ranking") return [];
  const { order, scores } = result;
  const out: [number, number, number][] = [];
  for (let i = 0; i < (pairs === "best" ? 1 : order.length); i++) {
    for (let j = i + 1; j < order.length; j++) {
      const margin = scores[order[i]] - scores[order[j]];
      if (margin > 0) out.push([order[i], order[j], sigmoid(margin)]);
    }
  }
  return out;
}

/** The consensus preference pairs of a form project, from its preference or ranking question, item by item. */
export async function* formPreferencePairs(
  db: Db,
  project: FormProject,
  pairs: RankingPairs = "all",
): AsyncGenerator<FormPair> {
  const question = comparisonQuestion(project.questions);
  if (!question) return;
  for await (const item of consensusItems(db, project.id)) {
    const consensus = item.questions[question.name];
    if (!consensus) continue;
    for (const [chosen, rejected, confidence] of consensusPairs(consensus.result, pairs)) {
      const [c, r] = [item.content.responses[chosen], item.content.responses[rejected]];
      if (c && r) yield { id: item.externalId, content: item.content, chosen: c, rejected: r, confidence };
    }
  }
}

export interface FormPreferenceRecord {
  /** The item's id: an item ranked by the crowd gives several lines with the same id. */
  id: string;
  prompt: string | Message[];
  chosen: string | Message[];
  rejected: string | Message[];
  confidence: number;
  chosen_model: string | null;
  rejected_model: string | null;
}

/**
 * TRL preference lines of a form project. When any item is a conversation every line is in TRL's conversational
 * form (a prompt given as text becomes the user's message), so that the columns keep one type across the file.
 */
export async function* exportFormPreferences(
  db: Db,
  project: FormProject,
  pairs: RankingPairs = "all",
): AsyncGenerator<FormPreferenceRecord> {
  const conversational = await hasConversations(db, project.id);
  const reply = (r: FormResponse) => (conversational ? [{ role: "assistant", content: r.text }] : r.text);
  for await (const p of formPreferencePairs(db, project, pairs)) {
    yield {
      id: p.id,
      prompt: conversational ? chatMessages(p.content) : (p.content.prompt ?? ""),
      chosen: reply(p.chosen),
      rejected: reply(p.rejected),
      confidence: p.confidence,
      chosen_model: p.chosen.model ?? null,
      rejected_model: p.rejected.model ?? null,
    };
  }
}
