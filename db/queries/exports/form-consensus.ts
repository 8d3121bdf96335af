import type { Db } from "../../client.ts";
import type { QuestionConsensus, StoredValue } from "../../schema/index.ts";
import { byQuestion, consensusItems, type FormProject } from "./form-items.ts";

export interface FormConsensusRecord {
  id: string;
  /** Each question's consensus as stored (every question but free text; null: none for this item). */
  consensus: Record<string, QuestionConsensus | null>;
  /** How sure the model is of each question's consensus. */
  confidence: Record<string, number | null>;
  /** The item's gold answers in the item's terms, by the same questions; null for an item without gold. */
  gold: Record<string, StoredValue | null> | null;
}

/** The consensus of every question of each item of a form project, with its confidence and the gold answers. */
export async function* exportFormConsensus(db: Db, project: FormProject): AsyncGenerator<FormConsensusRecord> {
  const questions = project.questions.filter((q) => q.type !== "text");
  for await (const item of consensusItems(db, project.id)) {
    const stored = Object.entries(item.questions);
    yield {
      id: item.externalId,
      consensus: byQuestion(questions, Object.fromEntries(stored.map(([name, c]) => [name, c.result]))),
      confidence: byQuestion(questions, Object.fromEntries(stored.map(([name, c]) => [name, c.confidence]))),
      gold: item.gold && byQuestion(questions, item.gold),
    };
  }
}
