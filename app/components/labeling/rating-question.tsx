import type { Question } from "../../../db/schema/questions.ts";
import { ChoiceGroup, type ChoiceOption } from "./choice-group.tsx";
import { digitForPoint, scalePoints, type ScreenResponse } from "./screen-answers.ts";

type RatingQuestionType = Extract<Question, { type: "rating" }>;

/** A rating scale for the item, or one scale per response (a row each, named by its slot). */
export function RatingQuestion({
  id,
  question: q,
  responses,
  value,
  onChange,
}: {
  id: string;
  question: RatingQuestionType;
  responses: readonly ScreenResponse[];
  value: number | Record<string, number> | undefined;
  onChange: (value: number | Record<string, number>) => void;
}) {
  const options: ChoiceOption<number>[] = scalePoints(q).map((point, i) => ({
    value: point,
    key: digitForPoint(q, point),
    label: q.labels?.[i] ? `${point} ${q.labels[i]}` : String(point),
  }));
  if (q.per === "item")
    return (
      <ChoiceGroup
        name={id}
        className="scale"
        options={options}
        value={typeof value === "number" ? value : undefined}
        onChange={onChange}
      />
    );
  const bySlot = typeof value === "object" ? value : {};
  return (
    <div className="per-response">
      {responses.map((r) => (
        <ChoiceGroup
          key={r.slot}
          name={`${id}-${r.slot}`}
          legend={`Response ${r.slot}`}
          className="scale"
          options={options}
          value={bySlot[r.slot]}
          onChange={(point) => onChange({ ...bySlot, [r.slot]: point })}
        />
      ))}
    </div>
  );
}
