import type { ReactNode } from "react";
import type { Question } from "../../../db/schema/questions.ts";
import { Markdown } from "../markdown.tsx";

/**
 * One question of a form: a fieldset named by its title, its description, the keys it takes, and a line for what
 * blocks sending it. That line keeps its height when empty, so a message appearing moves nothing.
 */
export function QuestionField({
  id,
  question,
  hint,
  problem,
  children,
}: {
  id: string;
  question: Question;
  hint?: ReactNode;
  problem: string | null;
  children: ReactNode;
}) {
  return (
    <fieldset
      className="question"
      data-question={question.name}
      aria-describedby={hint ? `${id}-hint ${id}-problem` : `${id}-problem`}
    >
      <legend id={`${id}-title`}>
        {question.title}
        {question.required ? null : <span className="muted"> (optional)</span>}
      </legend>
      {question.description ? <Markdown className="question-description">{question.description}</Markdown> : null}
      {children}
      {hint ? (
        <p className="question-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <p className="question-problem" id={`${id}-problem`}>
        {problem ?? ""}
      </p>
    </fieldset>
  );
}
