import { Fragment, useState, type DragEvent, type KeyboardEvent } from "react";
import {
  digitOf,
  moveInRanking,
  placeNext,
  ranked,
  tieWithPrevious,
  undoPlacement,
  type RankDrop,
  type RankingAnswer,
  type ScreenResponse,
} from "./screen-answers.ts";

/** The keys of a ranking, as its hint and the help list them. */
export const TIE_KEY = "=";

const snippet = (text: string) => {
  // Markdown marks (fences, backticks, emphasis, headings) say nothing in a one-line glimpse.
  const flat = text
    .replace(/```\w*|[`*_#>]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > 48 ? `${flat.slice(0, 47)}…` : flat || "(empty)";
};

function describe(groups: RankingAnswer, unranked: readonly ScreenResponse[]): string {
  const ranks = groups.map((g, i) => `${i + 1}: ${g.join(" and ")}${g.length > 1 ? " (tied)" : ""}`);
  const rest = unranked.length ? ` Not ranked: ${unranked.map((r) => r.slot).join(", ")}.` : "";
  return `${groups.length ? `Ranked ${ranks.join("; ")}.` : "Nothing ranked yet."}${rest}`;
}

/**
 * Orders the responses best first, ties allowed. Keyboard (focus on the ranking): a response's number places it at
 * the next rank, `=` ties the last placed with the rank above, Backspace takes the last placement back. Mouse: click
 * a response to place it next, or drag it onto a rank (a tie), between ranks, or back to the unranked ones.
 */
export function RankingQuestion({
  id,
  responses,
  value,
  onChange,
}: {
  id: string;
  responses: readonly ScreenResponse[];
  value: RankingAnswer | undefined;
  onChange: (value: RankingAnswer) => void;
}) {
  const groups = value ?? [];
  const placed = ranked(groups);
  const unranked = responses.filter((r) => !placed.includes(r.slot));
  const [over, setOver] = useState<string | null>(null);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const digit = digitOf(e);
    const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
    if (digit !== undefined && digit >= 1 && digit <= responses.length) {
      e.preventDefault();
      onChange(placeNext(groups, responses[digit - 1].slot));
    } else if (plain && e.key === TIE_KEY) {
      e.preventDefault();
      onChange(tieWithPrevious(groups));
    } else if (plain && e.key === "Backspace") {
      e.preventDefault();
      onChange(undoPlacement(groups));
    }
  }

  const dropZone = (key: string, drop: RankDrop) => ({
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
      setOver(key);
    },
    onDragLeave: () => setOver((o) => (o === key ? null : o)),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      setOver(null);
      const slot = e.dataTransfer.getData("text/plain");
      if (responses.some((r) => r.slot === slot)) onChange(moveInRanking(groups, slot, drop));
    },
    "data-over": over === key || undefined,
  });
  const dragProps = (slot: string) => ({
    draggable: true,
    onDragStart: (e: DragEvent) => {
      e.dataTransfer.setData("text/plain", slot);
      e.dataTransfer.effectAllowed = "move";
    },
  });
  const textOf = (slot: string) => responses.find((r) => r.slot === slot)?.text ?? "";

  return (
    <div
      className="ranking"
      role="group"
      tabIndex={0}
      aria-label="Your ranking"
      aria-describedby={`${id}-state ${id}-hint ${id}-problem`}
      onKeyDown={onKeyDown}
    >
      <p className="visually-hidden" id={`${id}-state`} aria-live="polite">
        {describe(groups, unranked)}
      </p>
      <div className="rank-list" aria-hidden="true">
        {groups.map((g, i) => (
          <Fragment key={g.join()}>
            <div className="rank-gap" {...dropZone(`before-${i}`, { before: i })} />
            <div className="rank-row" data-testid={`rank-${i + 1}`} {...dropZone(`join-${i}`, { join: i })}>
              <span className="rank-number">{i + 1}</span>
              {g.map((slot) => (
                <span key={slot} className="rank-chip" data-slot={slot} {...dragProps(slot)}>
                  <b>{slot}</b> <span className="rank-snippet">{snippet(textOf(slot))}</span>
                </span>
              ))}
              {g.length > 1 ? <span className="rank-tie">tie</span> : null}
            </div>
          </Fragment>
        ))}
        {unranked.length ? (
          <div className="rank-row rank-next" {...dropZone("next", { before: groups.length })}>
            <span className="rank-number">{groups.length + 1}</span>
            <span className="muted">press a number, click or drop a response here</span>
          </div>
        ) : null}
      </div>
      <div className="rank-pool" {...dropZone("pool", "unranked")}>
        <span className="muted small">{unranked.length ? "Not ranked yet:" : "All ranked."}</span>
        {unranked.map((r) => (
          <button
            key={r.slot}
            type="button"
            tabIndex={-1}
            className="rank-chip"
            data-slot={r.slot}
            aria-label={`Rank ${r.slot} next`}
            onClick={() => onChange(placeNext(groups, r.slot))}
            {...dragProps(r.slot)}
          >
            <kbd aria-hidden="true">{responses.indexOf(r) + 1}</kbd> <b>{r.slot}</b>{" "}
            <span className="rank-snippet">{snippet(r.text)}</span>
          </button>
        ))}
      </div>
      <div className="rank-actions">
        <button
          type="button"
          tabIndex={-1}
          className="secondary small-button"
          disabled={groups.length < 2}
          onClick={() => onChange(tieWithPrevious(groups))}
        >
          Tie last with the one above <kbd aria-hidden="true">{TIE_KEY}</kbd>
        </button>
        <button
          type="button"
          tabIndex={-1}
          className="secondary small-button"
          disabled={!groups.length}
          onClick={() => onChange(undoPlacement(groups))}
        >
          Undo <kbd aria-hidden="true">Backspace</kbd>
        </button>
        <button
          type="button"
          tabIndex={-1}
          className="secondary small-button"
          disabled={!groups.length}
          onClick={() => onChange([])}
        >
          Clear
        </button>
      </div>
    </div>
  );
}
