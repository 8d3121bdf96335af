import { forwardRef, type ReactNode } from "react";
import { GENERAL_SHORTCUTS } from "./task-keys.ts";

/** A shortcut of the task itself: its keys (shown as keys), or a question's title (shown as text), and what it does. */
export type TaskShortcut = { keys: string; what: ReactNode } | { title: string; what: ReactNode };

/** Every shortcut of the page: the general ones, then the task's own. Opened with `?`. */
export const ShortcutsHelp = forwardRef<HTMLDialogElement, { shortcuts: readonly TaskShortcut[] }>(
  function ShortcutsHelp({ shortcuts }, ref) {
    const rows: TaskShortcut[] = [...shortcuts, ...GENERAL_SHORTCUTS.map(([keys, what]) => ({ keys, what }))];
    return (
      <dialog ref={ref} className="shortcuts" aria-labelledby="shortcuts-title">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <dl>
          {rows.map((row) => (
            <div key={"keys" in row ? row.keys : row.title} className="shortcut">
              <dt>{"keys" in row ? <kbd>{row.keys}</kbd> : row.title}</dt>
              <dd>{row.what}</dd>
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
