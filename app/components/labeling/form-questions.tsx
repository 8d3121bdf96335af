import type { ReactNode } from "react";
import type { Question } from "../../../db/schema/questions.ts";
import { LabelQuestion } from "./label-question.tsx";
import { PreferenceQuestion } from "./preference-question.tsx";
import { QuestionField } from "./question-field.tsx";
import { RankingQuestion, TIE_KEY } from "./ranking-question.tsx";
import { RatingQuestion } from "./rating-question.tsx";
import {
  digitForPoint,
  scalePoints,
  textShown,
  type LabelAnswer,
  type PreferenceAnswer,
  type RankingAnswer,
  type ScreenAnswer,
  type ScreenAnswers,
  type ScreenResponse,
} from "./screen-answers.ts";
import { TextQuestion } from "./text-question.tsx";

const keyRange = (keys: (string | undefined)[]) => {
  const shown = keys.filter((k): k is string => k !== undefined);
  return shown.length > 1 ? `${shown[0]}–${shown[shown.length - 1]}` : shown[0];
};

/** What the keyboard does in a question, shown under it. */
export function questionHint(q: Question, responses: number): ReactNode {
  switch (q.type) {
    case "preference":
      return "Keys 1–4 choose; then 1–3 say how much better (optional).";
    case "ranking":
      return `Keys 1–${responses} rank response A, B, … next · ${TIE_KEY} ties the last one with the rank above · Backspace takes the last one back.`;
    case "rating": {
      const keys = keyRange(scalePoints(q).map((p) => digitForPoint(q, p)));
      const how = keys ? `keys ${keys} or the arrow keys` : "the arrow keys";
      return q.per === "response" ? `Each response has its own row (Tab to the next): ${how}.` : `Pick with ${how}.`;
    }
    case "label": {
      const keys = keyRange(q.categories.map((_, i) => (i < 9 ? String(i + 1) : undefined)));
      const how = `${q.multiple ? "Toggle" : "Pick"} with keys ${keys}${q.multiple ? " or Space" : " or the arrow keys"}`;
      return q.per === "response" ? `${how}; each response has its own row (Tab to the next).` : `${how}.`;
    }
    case "text":
      return q.prefill === "best"
        ? "Starts from the response you rank or choose best: edit it. Ctrl+Enter (⌘+Enter) sends the form."
        : "Ctrl+Enter (⌘+Enter) sends the form.";
  }
}

/** Every question of a form, in order, on the responses shown; the same in the labeling page and the builder's preview. */
export function FormQuestions({
  idPrefix,
  questions,
  responses,
  answers,
  problems,
  onAnswer,
}: {
  idPrefix: string;
  questions: readonly Question[];
  responses: readonly ScreenResponse[];
  answers: ScreenAnswers;
  /** What blocks sending, by question name (shown once the labeler has tried to send). */
  problems: Record<string, string | null>;
  onAnswer: (name: string, value: ScreenAnswer) => void;
}) {
  return (
    <div className="questions">
      {questions.map((q, i) => {
        const id = `${idPrefix}-q${i}`;
        const value = answers[q.name];
        const set = (v: ScreenAnswer) => onAnswer(q.name, v);
        return (
          <QuestionField
            key={`${i}-${q.name}`}
            id={id}
            question={q}
            hint={questionHint(q, responses.length)}
            problem={problems[q.name] ?? null}
          >
            {q.type === "preference" ? (
              <PreferenceQuestion id={id} value={value as PreferenceAnswer | undefined} onChange={set} />
            ) : q.type === "ranking" ? (
              <RankingQuestion
                id={id}
                responses={responses}
                value={value as RankingAnswer | undefined}
                onChange={set}
              />
            ) : q.type === "rating" ? (
              <RatingQuestion
                id={id}
                question={q}
                responses={responses}
                value={value as number | Record<string, number> | undefined}
                onChange={set}
              />
            ) : q.type === "label" ? (
              <LabelQuestion
                id={id}
                question={q}
                responses={responses}
                value={value as LabelAnswer | Record<string, LabelAnswer> | undefined}
                onChange={set}
              />
            ) : (
              <TextQuestion id={id} question={q} value={textShown(q, answers, questions, responses)} onChange={set} />
            )}
          </QuestionField>
        );
      })}
    </div>
  );
}
