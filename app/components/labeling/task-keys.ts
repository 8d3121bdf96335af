import { useEffect } from "react";

/** Whether a key pressed here types text (a text box), so that letters and Enter are the box's own. */
export const isTyping = (el: EventTarget | null) =>
  el instanceof HTMLTextAreaElement ||
  (el instanceof HTMLInputElement && !["radio", "checkbox", "button", "submit"].includes(el.type)) ||
  (el instanceof HTMLElement && el.isContentEditable);

export interface TaskKeyHandlers {
  submit: () => void;
  skip: () => void;
  flag: () => void;
  /** Takes the last answer back; absent while there is none that can be. */
  undo?: () => void;
  help: () => void;
  /** The task's own keys (number keys…), tried last; true when it used the key. */
  other?: (e: KeyboardEvent) => boolean;
}

/** The labeling page's shortcuts, as the help lists them; the task's own keys come after these. */
export const GENERAL_SHORTCUTS: [string, string][] = [
  ["Enter", "submit the answer (outside a text box; on a button, Enter presses it)"],
  ["Ctrl+Enter / ⌘+Enter", "submit the answer, from anywhere (also from a text box)"],
  ["s", "skip this item"],
  ["f", "flag this item; then 1–3 pick the reason, Esc closes"],
  ["u", "undo your last answer and go back to it (while its lease lasts)"],
  ["?", "this list; Esc closes it"],
];

/**
 * Every labeling task's keys (see GENERAL_SHORTCUTS), on the whole page. A key some control handled first
 * (defaultPrevented), a key typed in a text box and any key while a dialog is open are left alone; Enter on a
 * button, link or menu presses it rather than submitting.
 */
export function useTaskKeys(handlers: TaskKeyHandlers) {
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.defaultPrevented || e.isComposing || document.querySelector("dialog[open]")) return;
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        handlers.submit();
        return;
      }
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "Enter" && e.target instanceof Element && e.target.closest("button, a, summary, select")) return;
      const byKey: Record<string, (() => void) | undefined> = {
        Enter: handlers.submit,
        s: handlers.skip,
        f: handlers.flag,
        u: handlers.undo,
        "?": handlers.help,
      };
      const action = byKey[e.key];
      if (action) {
        e.preventDefault();
        action();
      } else if (handlers.other?.(e)) e.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });
}
