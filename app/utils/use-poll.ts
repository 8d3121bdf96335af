import { useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

/** Reloads the route's data every `ms` while `active`, for live status of background work. */
export function usePollWhile(active: boolean, ms = 2000) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => {
      if (revalidator.state === "idle" && document.visibilityState === "visible") revalidator.revalidate();
    }, ms);
    return () => clearInterval(id);
  }, [active, ms, revalidator]);
}
