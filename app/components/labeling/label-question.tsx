import { Fragment } from "react";
import type { Question } from "../../../db/schema/questions.ts";
import { ChoiceGroup, type ChoiceOption } from "./choice-group.tsx";
import type { LabelAnswer, ScreenResponse } from "./screen-answers.ts";

type LabelQuestionType = Extract<Question, { type: "label" }>;

/** Categories for the item or for each response: radio buttons, or checkboxes when several may apply. */
export function LabelQuestion({
  id,
  question: q,
  responses,
  value,
  onChange,
}: {
  id: string;
  question: LabelQuestionType;
  responses: readonly ScreenResponse[];
  value: LabelAnswer | Record<string, LabelAnswer> | undefined;
  onChange: (value: LabelAnswer | Record<string, LabelAnswer>) => void;
}) {
  const options: ChoiceOption<string>[] = q.categories.map((c, i) => ({
    value: c,
    label: c,
    key: i < 9 ? String(i + 1) : undefined,
  }));
  const group = (
    name: string,
    legend: string | undefined,
    v: LabelAnswer | undefined,
    set: (v: LabelAnswer) => void,
  ) =>
    q.multiple ? (
      <ChoiceGroup
        name={name}
        legend={legend}
        multiple
        options={options}
        value={Array.isArray(v) ? v : undefined}
        onChange={set}
      />
    ) : (
      <ChoiceGroup
        name={name}
        legend={legend}
        options={options}
        value={typeof v === "string" ? v : undefined}
        onChange={set}
      />
    );
  if (q.per === "item") return group(id, undefined, value as LabelAnswer | undefined, onChange);
  const bySlot = (value && typeof value === "object" && !Array.isArray(value) ? value : {}) as Record<
    string,
    LabelAnswer
  >;
  return (
    <div className="per-response">
      {responses.map((r) => (
        <Fragment key={r.slot}>
          {group(`${id}-${r.slot}`, `Response ${r.slot}`, bySlot[r.slot], (v) => onChange({ ...bySlot, [r.slot]: v }))}
        </Fragment>
      ))}
    </div>
  );
}
