import { useHydrated } from "remix-utils/use-hydrated";

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * A moment in the reader's own time zone and locale. The server cannot know either, so the page is rendered in UTC
 * and the browser switches to local time once hydrated (both first renders agree: no hydration mismatch).
 */
export function Time({ at, timeOnly = false }: { at: string | Date; timeOnly?: boolean }) {
  const hydrated = useHydrated();
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return null;
  const local = timeOnly
    ? date.toLocaleTimeString([], { timeStyle: "short" })
    : date.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  return (
    <time dateTime={date.toISOString()} title={utc(date)}>
      {hydrated ? local : utc(date)}
    </time>
  );
}
