import { useNavigation, useSubmit } from "@remix-run/react";
import { useEffect } from "react";
import { useAuthenticityToken } from "remix-utils/csrf/react";
import { isTyping } from "./task-keys.ts";

/** The labeler's last answer, while it can still be taken back (its lease lasts, no payout counts it yet). */
export interface UndoableAnswer {
  assignmentId: number;
}

/** Posts `undo` of the answer: the page then shows its item again. Undefined while there is nothing to undo. */
export function useUndoAnswer(undoable: UndoableAnswer | null): (() => void) | undefined {
  const submit = useSubmit();
  const csrf = useAuthenticityToken();
  // A second press while the first is on its way would take back the answer before this one too.
  const idle = useNavigation().state === "idle";
  if (!undoable) return undefined;
  return () => {
    if (idle) submit({ intent: "undo", assignmentId: String(undoable.assignmentId), csrf }, { method: "post" });
  };
}

/**
 * "Undo last answer", beside Submit and Skip; nothing while there is no answer to undo. `withKey` binds `u` to it,
 * where no task on the page does (after the last item).
 */
export function UndoButton({
  undo,
  disabled,
  withKey = false,
}: {
  undo: (() => void) | undefined;
  disabled: boolean;
  withKey?: boolean;
}) {
  useEffect(() => {
    if (!withKey || !undo || disabled) return;
    function onKey(e: KeyboardEvent) {
      if (e.key !== "u" || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      undo?.();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });
  if (!undo) return null;
  return (
    <button type="button" className="secondary" disabled={disabled} onClick={undo}>
      Undo<span className="phone-hidden"> last answer</span> <kbd aria-hidden="true">u</kbd>
    </button>
  );
}
