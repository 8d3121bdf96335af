import type { Question } from "../../../db/schema/questions.ts";
import { SIGNAL_FIELD } from "./use-input-signals.ts";

type TextQuestionType = Extract<Question, { type: "text" }>;

/** A free-text answer, or a rewrite that starts from the response ranked or chosen best (editable). */
export function TextQuestion({
  id,
  question: q,
  value,
  onChange,
}: {
  id: string;
  question: TextQuestionType;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <textarea
      id={id}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-hint ${id}-problem`}
      className="text-answer"
      {...{ [SIGNAL_FIELD]: q.name }}
      rows={q.prefill === "best" ? 8 : 3}
      maxLength={q.maxLength}
      value={value}
      placeholder={q.prefill === "best" ? "Rank or choose the best response to start from it." : undefined}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
