import type { KeyboardEvent, ReactNode } from "react";
import { digitOf } from "./screen-answers.ts";

export interface ChoiceOption<T> {
  value: T;
  label: ReactNode;
  /** The number key that picks it, shown beside it. */
  key?: string;
}

/**
 * Radio buttons (or checkboxes, when several may be picked) with number keys: while focus is in the group, a
 * shown key picks (or toggles) its option and moves focus to it, so the arrow keys go on from there.
 */
export function ChoiceGroup<T extends string | number>({
  name,
  legend,
  options,
  className,
  ...props
}: {
  name: string;
  /** The group's own name, shown before it (a response's row in a per-response question); else the question names it. */
  legend?: ReactNode;
  options: ChoiceOption<T>[];
  className?: string;
} & (
  | { multiple?: false; value: T | undefined; onChange: (value: T) => void }
  | { multiple: true; value: T[] | undefined; onChange: (value: T[]) => void }
)) {
  const checked = (v: T) => (props.multiple ? (props.value ?? []).includes(v) : props.value === v);
  const pick = (v: T) => {
    if (!props.multiple) return props.onChange(v);
    const now = props.value ?? [];
    props.onChange(now.includes(v) ? now.filter((x) => x !== v) : [...now, v]);
  };
  function onKeyDown(e: KeyboardEvent<HTMLElement>) {
    const digit = digitOf(e);
    const at = options.findIndex((o) => o.key !== undefined && o.key === String(digit));
    if (digit === undefined || at < 0) return;
    e.preventDefault();
    pick(options[at].value);
    e.currentTarget.querySelectorAll<HTMLInputElement>("input")[at]?.focus();
  }
  const inputs = options.map((o) => (
    <label key={String(o.value)} className="choice-option">
      <input
        type={props.multiple ? "checkbox" : "radio"}
        name={name}
        value={String(o.value)}
        checked={checked(o.value)}
        onChange={() => pick(o.value)}
      />
      {/* A point whose key is its own number needs no second badge. */}
      {o.key && o.key !== o.label ? <kbd aria-hidden="true">{o.key}</kbd> : null}
      <span>{o.label}</span>
    </label>
  ));
  if (legend === undefined)
    return (
      <div className={`choice-group ${className ?? ""}`} onKeyDown={onKeyDown}>
        {inputs}
      </div>
    );
  // A row of its own (a response's, in a per-response question): named by its label, laid out beside it.
  return (
    <div
      className={`choice-group labelled ${className ?? ""}`}
      role={props.multiple ? "group" : "radiogroup"}
      aria-labelledby={`${name}-label`}
      onKeyDown={onKeyDown}
    >
      <span className="choice-label" id={`${name}-label`}>
        {legend}
      </span>
      {inputs}
    </div>
  );
}
