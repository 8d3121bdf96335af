import type { Db } from "../../db/client.ts";
import { addQualificationItems, createQualificationTest, type TestSettings } from "../../db/queries/qualifications.ts";
import type { Question } from "../../db/schema/index.ts";

export const PREFERENCE: Question = {
  name: "better",
  title: "Which reply is better?",
  type: "preference",
  required: true,
};

/**
 * A test of `items` pairs asked with one preference question, whose known answer is A on odd positions and B on
 * even ones (item `n`'s prompt is "Question n").
 */
export async function makeQualificationTest(
  db: Db,
  ownerId: string,
  settings: Partial<TestSettings> & { items?: number } = {},
) {
  const { items = 4, ...rest } = settings;
  const test = await createQualificationTest(db, {
    ownerId,
    title: "Pick the helpful reply",
    instructions: "Choose the reply that answers the question.",
    questions: [PREFERENCE],
    passMark: 0.75,
    maxAttempts: 2,
    retryAfterHours: 0,
    validDays: null,
    showAnswers: true,
    ...rest,
  });
  await addQualificationItems(db, {
    testId: test.id,
    items: Array.from({ length: items }, (_, i) => ({
      content: {
        kind: "form" as const,
        prompt: `Question ${i + 1}`,
        responses: [{ text: "first" }, { text: "second" }],
      },
      answers: { better: { choice: i % 2 === 0 ? ("a" as const) : ("b" as const) } },
      explanation: `Reply ${i % 2 === 0 ? "A" : "B"} answers question ${i + 1}.`,
    })),
  });
  return test;
}

/** The screen answers (slots) that get item `position` (1-based) of a makeQualificationTest test right. */
export function rightAnswer(position: number) {
  return { better: { choice: position % 2 === 1 ? "A" : "B" } };
}
export function wrongAnswer(position: number) {
  return { better: { choice: position % 2 === 1 ? "B" : "A" } };
}
