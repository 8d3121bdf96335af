import { forwardRef } from "react";
import type { Question } from "../../../db/schema/questions.ts";
import { questionHint } from "./form-questions.tsx";

const GENERAL: [string, string][] = [
  ["Tab / Shift+Tab", "next / previous question (a per-response question has a row per response)"],
  ["Enter", "send the answers (outside a text box)"],
  ["Ctrl+Enter / ⌘+Enter", "send the answers, from anywhere"],
  ["s", "skip this item"],
  ["?", "this list; Esc closes it"],
];

/** Every shortcut of the page: the general ones, then each question's own keys. Opened with `?`. */
export const ShortcutsHelp = forwardRef<HTMLDialogElement, { questions: readonly Question[]; responses: number }>(
  function ShortcutsHelp({ questions, responses }, ref) {
    return (
      <dialog ref={ref} className="shortcuts" aria-labelledby="shortcuts-title">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl>
          {GENERAL.map(([keys, what]) => (
            <div key={keys} className="shortcut">
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
          {questions.map((q) => (
            <div key={q.name} className="shortcut">
              <dt>{q.title}</dt>
              <dd>{questionHint(q, responses)}</dd>
            </div>
          ))}
        </dl>
        <button type="button" onClick={(e) => e.currentTarget.closest("dialog")?.close()}>
          Close
        </button>
      </dialog>
    );
  },
);
