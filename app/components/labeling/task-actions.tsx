import { FlagMenu } from "./flag-menu.tsx";
import { UndoButton } from "./undo-answer.tsx";

/** The row under every task, fixed shape or form: submit, skip, flag, undo and the shortcut list, with their keys. */
export function TaskActions(props: {
  assignmentId: number;
  busy: boolean;
  onSkip: () => void;
  flagOpen: boolean;
  onFlagOpenChange: (open: boolean) => void;
  undo?: () => void;
  onHelp: () => void;
}) {
  const { busy } = props;
  return (
    <div className="row task-actions">
      <button type="submit" disabled={busy}>
        Submit <kbd aria-hidden="true">Enter</kbd>
      </button>
      <button type="button" className="secondary" disabled={busy} onClick={props.onSkip}>
        Skip <kbd aria-hidden="true">s</kbd>
      </button>
      <FlagMenu
        assignmentId={props.assignmentId}
        disabled={busy}
        open={props.flagOpen}
        onOpenChange={props.onFlagOpenChange}
      />
      <UndoButton undo={props.undo} disabled={busy} />
      <button type="button" className="secondary key-help" onClick={props.onHelp}>
        Shortcuts <kbd aria-hidden="true">?</kbd>
      </button>
    </div>
  );
}
