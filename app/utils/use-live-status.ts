import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

export interface LiveStatus {
  /** Server time of the reading, to tell a poll from a newer loader run. */
  checkedAt: number;
  /** Changes when the page's other data is out of date. */
  revision: string;
}

/**
 * Polls `url` (a small JSON resource route) every `ms` while the page is visible and returns the newest reading,
 * the loader's `initial` or a poll's. When a poll's revision moves on, the route's loaders run once to catch up the
 * rest of the page, rather than on every tick.
 */
export function useLiveStatus<T extends LiveStatus>(url: string, initial: T, ms = 3000): T {
  const { revalidate } = useRevalidator();
  const [polled, setPolled] = useState<T | null>(null);
  const seenRevision = useRef(initial.revision);

  useEffect(() => {
    seenRevision.current = initial.revision;
  }, [initial.revision]);

  useEffect(() => {
    let stopped = false;
    let inFlight = false;
    const poll = async () => {
      if (inFlight || document.visibilityState !== "visible") return;
      inFlight = true;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok || stopped) return;
        const reading = (await response.json()) as T;
        if (stopped) return;
        setPolled(reading);
        if (reading.revision !== seenRevision.current) {
          seenRevision.current = reading.revision;
          void revalidate();
        }
      } catch {
        // Offline for a moment: the next tick tries again.
      } finally {
        inFlight = false;
      }
    };
    const timer = setInterval(poll, ms);
    document.addEventListener("visibilitychange", poll);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", poll);
    };
  }, [url, ms, revalidate]);

  return polled && polled.checkedAt > initial.checkedAt ? polled : initial;
}
