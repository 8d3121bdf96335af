import { ChoiceGroup } from "./choice-group.tsx";
import type { PreferenceAnswer, PreferenceChoice } from "./screen-answers.ts";

const CHOICES: { value: PreferenceChoice; label: string; key: string }[] = [
  { value: "A", label: "A is better", key: "1" },
  { value: "B", label: "B is better", key: "2" },
  { value: "tie", label: "Tie", key: "3" },
  { value: "both_bad", label: "Both bad", key: "4" },
];
const STRENGTHS = [
  { value: 1, label: "slightly", key: "1" },
  { value: 2, label: "clearly", key: "2" },
  { value: 3, label: "much", key: "3" },
];

/** Which of two responses is better, and (optionally) by how much. */
export function PreferenceQuestion({
  id,
  value,
  onChange,
}: {
  id: string;
  value: PreferenceAnswer | undefined;
  onChange: (value: PreferenceAnswer) => void;
}) {
  const decisive = value?.choice === "A" || value?.choice === "B";
  return (
    <>
      <ChoiceGroup
        name={id}
        options={CHOICES}
        value={value?.choice}
        onChange={(choice) =>
          onChange(choice === "A" || choice === "B" ? { choice, strength: value?.strength } : { choice })
        }
      />
      {decisive ? (
        <ChoiceGroup
          name={`${id}-strength`}
          legend="How much better? (optional)"
          className="strength"
          options={STRENGTHS}
          value={value.strength}
          onChange={(strength) => onChange({ choice: value.choice, strength })}
        />
      ) : null}
    </>
  );
}
