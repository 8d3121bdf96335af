import { useState } from "react";
import { Markdown } from "../markdown.tsx";

/** Past this many characters (or lines) a response starts folded, so the questions stay within reach. */
const LONG_CHARS = 1500;
const LONG_LINES = 30;

const isLong = (text: string) => text.length > LONG_CHARS || text.split("\n").length > LONG_LINES;

/** One response, named by its on-screen slot, with its rank once the labeler has ranked it; long ones fold. */
export function ResponseCard({
  slot,
  text,
  rank,
  level,
  testId,
}: {
  slot: string;
  text: string;
  rank?: number;
  level: 3 | 4;
  testId?: string;
}) {
  const Heading = level === 3 ? "h3" : "h4";
  const long = isLong(text);
  const [open, setOpen] = useState(!long);
  const bodyId = `response-${slot}-body`;
  return (
    <section
      className="response form-response"
      aria-labelledby={`response-${slot}-title`}
      data-slot={slot}
      data-testid={testId}
    >
      <header className="response-header">
        <Heading id={`response-${slot}-title`}>Response {slot}</Heading>
        {rank !== undefined ? <span className="badge">rank {rank}</span> : null}
      </header>
      <div id={bodyId} className={open ? "response-body" : "response-body folded"}>
        {text ? <Markdown>{text}</Markdown> : <p className="muted">(empty response)</p>}
      </div>
      {long ? (
        <button
          type="button"
          className="secondary small-button"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen(!open)}
        >
          {open ? `Fold response ${slot}` : `Show all of response ${slot}`}
        </button>
      ) : null}
    </section>
  );
}
