import { useSubmit } from "@remix-run/react";
import { useEffect, useRef, type KeyboardEvent } from "react";
import { useAuthenticityToken } from "remix-utils/csrf/react";
import { FLAG_REASONS } from "~/utils/schemas.ts";
import { digitOf } from "./screen-answers.ts";

const REASON_NAMES: Record<(typeof FLAG_REASONS)[number], string> = {
  unanswerable: "Unanswerable",
  harmful: "Harmful",
  broken: "Broken",
};

/**
 * Flags the task (unanswerable, harmful, broken): it leaves the labeler's queue. Opened with its button or `f`
 * (the parent holds `open`); focus then goes to the first reason; 1–3 pick one, Esc closes.
 */
export function FlagMenu({
  assignmentId,
  disabled,
  open,
  onOpenChange,
}: {
  assignmentId: number;
  disabled: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const submit = useSubmit();
  const csrf = useAuthenticityToken();
  const toggle = useRef<HTMLButtonElement>(null);
  const reasons = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) reasons.current?.querySelector("button")?.focus();
  }, [open]);
  const flag = (reason: string) =>
    submit({ intent: "flag", assignmentId: String(assignmentId), reason, csrf }, { method: "post" });
  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const digit = digitOf(e);
    if (e.key === "Escape") {
      e.preventDefault();
      onOpenChange(false);
      toggle.current?.focus();
    } else if (digit !== undefined && digit >= 1 && digit <= FLAG_REASONS.length) {
      e.preventDefault();
      flag(FLAG_REASONS[digit - 1]);
    }
  }
  return (
    <div className="flag-menu" onKeyDown={open ? onKeyDown : undefined}>
      <button
        ref={toggle}
        type="button"
        className="secondary"
        disabled={disabled}
        aria-expanded={open}
        aria-controls={open ? `flag-reasons-${assignmentId}` : undefined}
        onClick={() => onOpenChange(!open)}
      >
        Flag… <kbd aria-hidden="true">f</kbd>
      </button>
      {open ? (
        <div
          ref={reasons}
          id={`flag-reasons-${assignmentId}`}
          className="flag-reasons"
          role="group"
          aria-label="Why flag this item?"
        >
          {FLAG_REASONS.map((reason, i) => (
            <button key={reason} type="button" className="secondary" disabled={disabled} onClick={() => flag(reason)}>
              <kbd aria-hidden="true">{i + 1}</kbd> {REASON_NAMES[reason]}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
