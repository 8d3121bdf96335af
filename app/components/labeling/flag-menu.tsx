import { useSubmit } from "@remix-run/react";
import { useState } from "react";
import { useAuthenticityToken } from "remix-utils/csrf/react";
import { FLAG_REASONS } from "~/utils/schemas.ts";

/** Flags the task (unanswerable, harmful, broken): it leaves the labeler's queue. */
export function FlagMenu({ assignmentId, disabled }: { assignmentId: number; disabled: boolean }) {
  const submit = useSubmit();
  const [open, setOpen] = useState(false);
  const csrf = useAuthenticityToken();
  return (
    <div className="row">
      <button type="button" className="secondary" disabled={disabled} onClick={() => setOpen(!open)}>
        Flag…
      </button>
      {open
        ? FLAG_REASONS.map((reason) => (
            <button
              key={reason}
              type="button"
              className="secondary"
              onClick={() => {
                submit({ intent: "flag", assignmentId: String(assignmentId), reason, csrf }, { method: "post" });
              }}
            >
              {reason}
            </button>
          ))
        : null}
    </div>
  );
}
