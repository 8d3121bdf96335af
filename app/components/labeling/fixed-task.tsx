import { Form, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useAuthenticityToken } from "remix-utils/csrf/react";
import type { TaskView } from "../../../labeling/task-view.ts";
import { Markdown } from "../markdown.tsx";
import { ChoiceGroup, type ChoiceOption } from "./choice-group.tsx";
import { ResponseCard } from "./response-card.tsx";
import { digitOf } from "./screen-answers.ts";
import { ShortcutsHelp, type TaskShortcut } from "./shortcuts-help.tsx";
import { useTaskKeys } from "./task-keys.ts";
import { TaskActions } from "./task-actions.tsx";
import { SIGNAL_FIELD, useInputSignals } from "./use-input-signals.ts";
import "./labeling.css";

export type FixedTaskView = Exclude<TaskView, { kind: "form" }>;

/** A fixed-shape project's answer options, as the page needs them. */
export interface FixedShape {
  taskType: string;
  categories: string[];
  ratingMin: number;
  ratingMax: number;
}

/** An answer taken back (undo), in screen terms, to start the item's form from. */
export interface RestoredAnswer {
  assignmentId: number;
  choice: string;
  strength: number | null;
  rationale: string | null;
}

// Picked with Shift+1–3 (plain digits pick the answer), as the group's label says.
const STRENGTHS: ChoiceOption<number>[] = [
  { value: 1, label: "slightly" },
  { value: 2, label: "clearly" },
  { value: 3, label: "much" },
];

/** Words whose `rest` a phone leaves out of sight (screen readers still read it), so a row of answers fits. */
function Shortened({ text, rest }: { text: string; rest: string }) {
  return (
    <>
      {text}
      <span className="phone-hidden">{rest}</span>
    </>
  );
}

/** The options of a fixed shape, the first nine with their number keys. */
export function fixedOptions(shape: FixedShape): ChoiceOption<string>[] {
  const keyed = (values: { value: string; label: ReactNode }[]) =>
    values.map((o, i) => ({ ...o, key: i < 9 ? String(i + 1) : undefined }));
  if (shape.taskType === "pairwise")
    return keyed([
      { value: "left", label: <Shortened text="A" rest=" is better" /> },
      { value: "right", label: <Shortened text="B" rest=" is better" /> },
      { value: "tie", label: "Tie" },
      { value: "both_bad", label: "Both bad" },
    ]);
  if (shape.taskType === "rating") {
    const points = Array.from({ length: shape.ratingMax - shape.ratingMin + 1 }, (_, i) => String(shape.ratingMin + i));
    return keyed(points.map((p) => ({ value: p, label: p })));
  }
  return keyed(shape.categories.map((c) => ({ value: c, label: c })));
}

function ownShortcuts(kind: FixedTaskView["kind"], options: ChoiceOption<string>[]): TaskShortcut[] {
  const last = options.filter((o) => o.key).length;
  if (kind === "pairwise")
    return [
      { keys: "1 / 2 / 3 / 4", what: "A is better / B is better / tie / both bad" },
      { keys: "Shift+1 / 2 / 3", what: "after A or B: slightly / clearly / much better (optional)" },
      { keys: "← →", what: "on the answers: the previous / next answer" },
    ];
  return [
    { keys: `1–${last}`, what: kind === "rating" ? "the n-th point of the scale" : "the n-th category" },
    { keys: "← →", what: "on the answers: the previous / next answer" },
  ];
}

function ItemContent({ task }: { task: FixedTaskView }) {
  if (task.kind === "label")
    return (
      <>
        <h2 className="item-heading">Item</h2>
        <section className="response" aria-label="Item">
          <Markdown>{task.text}</Markdown>
        </section>
      </>
    );
  return (
    <>
      <h2 className="item-heading">Prompt</h2>
      <Markdown className="item-prompt">{task.prompt}</Markdown>
      {task.kind === "pairwise" ? (
        <div className="responses responses-two">
          <ResponseCard slot="A" text={task.left} level={3} testId="response-left" />
          <ResponseCard slot="B" text={task.right} level={3} testId="response-right" />
        </div>
      ) : (
        <section className="response form-response fixed-response" aria-labelledby="response-title">
          <h3 id="response-title">Response</h3>
          <Markdown>{task.response}</Markdown>
        </section>
      )}
    </>
  );
}

/**
 * A pairwise, rating or label item to answer, every action on a key (GENERAL_SHORTCUTS, then this shape's own),
 * the answer bar kept in reach at the bottom of the screen. Focus starts on the answers.
 */
export function FixedTask({
  task,
  options,
  restored,
  undo,
}: {
  task: FixedTaskView;
  options: ChoiceOption<string>[];
  restored?: RestoredAnswer;
  undo?: () => void;
}) {
  const [choice, setChoice] = useState<string | undefined>(restored?.choice);
  const [strength, setStrength] = useState<number | undefined>(restored?.strength ?? undefined);
  const [rationale, setRationale] = useState(restored?.rationale ?? "");
  const [flagOpen, setFlagOpen] = useState(false);
  const [attempted, setAttempted] = useState(false);
  // When the item appeared on screen (set after mount: reading the clock during render is not pure).
  const started = useRef(0);
  const answers = useRef<HTMLDivElement>(null);
  const help = useRef<HTMLDialogElement>(null);
  const submit = useSubmit();
  const csrf = useAuthenticityToken();
  const busy = useNavigation().state !== "idle";
  const decisive = task.kind === "pairwise" && (choice === "left" || choice === "right");
  const typing = useInputSignals();

  const answerInput = (at?: number) => {
    const inputs = answers.current?.querySelectorAll<HTMLInputElement>("input") ?? [];
    return at === undefined ? ([...inputs].find((i) => i.checked) ?? inputs[0]) : inputs[at];
  };
  useEffect(() => {
    started.current = Date.now();
    window.scrollTo({ top: 0 });
    answerInput()?.focus({ preventScroll: true });
  }, []);

  function send(intent: "answer" | "skip") {
    if (busy) return;
    if (intent === "answer" && !choice) {
      setAttempted(true);
      answerInput()?.focus({ preventScroll: true });
      return;
    }
    const fields: Record<string, string> = { csrf, intent, assignmentId: String(task.assignmentId) };
    if (intent === "answer") {
      Object.assign(fields, { choice, rationale, timeSpentMs: String(Date.now() - started.current) });
      if (decisive && strength) fields.strength = String(strength);
      const signals = typing.signals();
      if (signals) fields.inputSignals = JSON.stringify(signals);
    }
    submit(fields, { method: "post" });
  }

  useTaskKeys({
    submit: () => send("answer"),
    skip: () => send("skip"),
    flag: () => setFlagOpen(true),
    undo,
    help: () => help.current?.showModal(),
    other: (e) => {
      const strengthKey = /^Digit([1-3])$/.exec(e.code);
      if (e.shiftKey) {
        if (!strengthKey || !decisive) return false;
        setStrength(Number(strengthKey[1]));
        return true;
      }
      const digit = digitOf(e);
      const at = options.findIndex((o) => o.key !== undefined && o.key === String(digit));
      if (at < 0) return false;
      setChoice(options[at].value);
      answerInput(at)?.focus({ preventScroll: true });
      return true;
    },
  });

  return (
    <Form
      method="post"
      className="card task-card"
      onSubmit={(e) => {
        e.preventDefault();
        send("answer");
      }}
    >
      <ItemContent task={task} />
      <label className="rationale">
        Rationale (optional)
        <textarea
          name="rationale"
          {...{ [SIGNAL_FIELD]: "rationale" }}
          {...typing.handlers}
          rows={2}
          maxLength={5000}
          value={rationale}
          onChange={(e) => setRationale(e.target.value)}
          placeholder="Why? Ctrl+Enter submits from here."
        />
      </label>
      <div className="answer-bar">
        <div className="answer-row">
          <div ref={answers} role="radiogroup" aria-label="Your answer" aria-describedby="answer-problem">
            <ChoiceGroup
              name="choice"
              className="answer-choices"
              options={options}
              value={choice}
              onChange={setChoice}
            />
          </div>
          {task.kind === "pairwise" ? (
            // Its room is kept while it is out of sight, so picking A or B moves no button under the pointer.
            <div className={decisive ? "strength-slot" : "strength-slot unused"}>
              <ChoiceGroup
                name="strength"
                legend={
                  <>
                    <Shortened text="How much" rest=" better? (optional)" /> <kbd aria-hidden="true">⇧1–3</kbd>
                  </>
                }
                className="strength"
                options={STRENGTHS}
                value={strength}
                onChange={setStrength}
              />
            </div>
          ) : null}
        </div>
        <p className="submit-problem" id="answer-problem" aria-live="assertive">
          {attempted && !choice ? "Choose an answer first." : ""}
        </p>
        <TaskActions
          assignmentId={task.assignmentId}
          busy={busy}
          onSkip={() => send("skip")}
          flagOpen={flagOpen}
          onFlagOpenChange={setFlagOpen}
          undo={undo}
          onHelp={() => help.current?.showModal()}
        />
      </div>
      <ShortcutsHelp ref={help} shortcuts={ownShortcuts(task.kind, options)} />
    </Form>
  );
}
