import { useEffect, useState } from "react";

const SHOWN_MS = 4000;

/**
 * A brief confirmation of what the last action did ("Saved · 16 today"), read out by screen readers. The live region
 * is always there, so each new message is announced; `id` changes with each action, even when the words do not.
 */
export function TaskToast({ message, id }: { message: string | null; id: unknown }) {
  const [hidden, setHidden] = useState<unknown>(undefined);
  useEffect(() => {
    if (message === null) return;
    const timer = setTimeout(() => setHidden(id), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [id, message]);
  const shown = message !== null && hidden !== id;
  return (
    <div role="status" className={shown ? "toast shown" : "toast"} data-testid="toast">
      {shown ? message : ""}
    </div>
  );
}
