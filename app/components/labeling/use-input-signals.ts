import { useRef, type ClipboardEvent, type FormEvent } from "react";
import type { TextInputSignals } from "../../../db/schema/labeling.ts";
import { INPUT_SIGNAL_CAPS } from "~/utils/schemas.ts";

/** The attribute naming the text field a textarea's signals are kept under (a question's name, or "rationale"). */
export const SIGNAL_FIELD = "data-signal-field";

interface FieldTrack extends TextInputSignals {
  firstAt: number;
}

function fieldOf(target: EventTarget): string | null {
  return target instanceof HTMLElement ? target.getAttribute(SIGNAL_FIELD) : null;
}

/**
 * Counts, per text field, paste events and pasted characters, typed characters and the time from the first edit to
 * the last; never the text itself. Put `handlers` on an element around the fields (the events bubble) and mark each
 * field with SIGNAL_FIELD. A field nobody edits (a rewrite sent as it was pre-filled) has no entry.
 */
export function useInputSignals() {
  const fields = useRef(new Map<string, FieldTrack>());

  const track = (field: string) => {
    const now = Date.now();
    let t = fields.current.get(field);
    if (!t) {
      t = { pastes: 0, pastedChars: 0, typedChars: 0, typingMs: 0, firstAt: now };
      fields.current.set(field, t);
    }
    t.typingMs = now - t.firstAt;
    return t;
  };

  const handlers = {
    onPaste(e: ClipboardEvent<HTMLElement>) {
      const field = fieldOf(e.target);
      if (!field) return;
      const t = track(field);
      t.pastes += 1;
      t.pastedChars += e.clipboardData.getData("text/plain").length;
    },
    onInput(e: FormEvent<HTMLElement>) {
      const field = fieldOf(e.target);
      if (!field) return;
      const t = track(field);
      const native = e.nativeEvent as InputEvent;
      const kind = native.inputType ?? "";
      // Pastes are counted by onPaste; a drop brings text in the same way, so it counts as one.
      if (kind === "insertFromDrop") {
        t.pastes += 1;
        t.pastedChars += native.data?.length ?? 0;
      } else if (kind === "insertLineBreak" || kind === "insertParagraph") t.typedChars += 1;
      else if (kind.startsWith("insert") && kind !== "insertFromPaste") t.typedChars += native.data?.length ?? 0;
    },
  };

  /** What to send with the answer: the fields edited since the item appeared (undefined when none). */
  function signals(): Record<string, TextInputSignals> | undefined {
    if (fields.current.size === 0) return undefined;
    return Object.fromEntries(
      [...fields.current].map(([field, t]) => [
        field,
        {
          pastes: Math.min(t.pastes, INPUT_SIGNAL_CAPS.pastes),
          pastedChars: Math.min(t.pastedChars, INPUT_SIGNAL_CAPS.pastedChars),
          typedChars: Math.min(t.typedChars, INPUT_SIGNAL_CAPS.typedChars),
          typingMs: Math.min(Math.round(t.typingMs), INPUT_SIGNAL_CAPS.typingMs),
        },
      ]),
    );
  }

  return { handlers, signals };
}
