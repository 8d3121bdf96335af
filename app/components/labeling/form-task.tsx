import { Form, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useAuthenticityToken } from "remix-utils/csrf/react";
import type { Message, Question } from "../../../db/schema/questions.ts";
import { FormQuestions, questionHint } from "./form-questions.tsx";
import { ItemView } from "./item-view.tsx";
import {
  answersPayload,
  questionProblem,
  textShown,
  type RankingAnswer,
  type ScreenAnswers,
  type ScreenResponse,
} from "./screen-answers.ts";
import { ShortcutsHelp, type TaskShortcut } from "./shortcuts-help.tsx";
import { useTaskKeys } from "./task-keys.ts";
import { TaskActions } from "./task-actions.tsx";
import { useInputSignals } from "./use-input-signals.ts";
import "./labeling.css";

export interface FormTaskView {
  assignmentId: number;
  prompt?: string;
  messages?: Message[];
  questions: Question[];
  responses: ScreenResponse[];
}

/** What blocks sending each question as it stands (null: nothing). */
export function formProblems(questions: readonly Question[], answers: ScreenAnswers, responses: ScreenResponse[]) {
  const slots = responses.map((r) => r.slot);
  return Object.fromEntries(
    questions.map((q) => [
      q.name,
      questionProblem(q, q.type === "text" ? textShown(q, answers, questions, responses) : answers[q.name], slots),
    ]),
  );
}

/** The rank each response has in the form's ranking question, if any. */
export function rankIn(questions: readonly Question[], answers: ScreenAnswers) {
  const ranking = questions.find((q) => q.type === "ranking");
  const groups = ranking ? ((answers[ranking.name] as RankingAnswer | undefined) ?? []) : [];
  return (slot: string) => {
    const at = groups.findIndex((g) => g.includes(slot));
    return at < 0 ? undefined : at + 1;
  };
}

/** Moves focus (without scrolling) into a question: its checked option, else its first control. */
export function focusQuestion(question: Element | null | undefined) {
  const target =
    question?.querySelector<HTMLElement>("input:checked") ??
    question?.querySelector<HTMLElement>("input, textarea, [tabindex='0']");
  target?.focus({ preventScroll: true });
}

/** What a form's own keys are, for the shortcut list: moving between questions, then each question's keys. */
function formShortcuts(task: FormTaskView): TaskShortcut[] {
  return [
    { keys: "Tab / Shift+Tab", what: "next / previous question (a per-response question has a row per response)" },
    ...task.questions.map((q) => ({ title: q.title, what: questionHint(q, task.responses.length) })),
  ];
}

/**
 * A form item to label: the item, the project's questions on it, and send / skip / flag / undo, all from the keyboard.
 * `restored`: the answers an undo took back, to start from.
 */
export function FormTask({
  task,
  restored,
  undo,
}: {
  task: FormTaskView;
  restored?: ScreenAnswers;
  undo?: () => void;
}) {
  const [answers, setAnswers] = useState<ScreenAnswers>(restored ?? {});
  const [attempted, setAttempted] = useState(false);
  const [flagOpen, setFlagOpen] = useState(false);
  // When the item appeared on screen (set after mount: reading the clock during render is not pure).
  const started = useRef(0);
  const form = useRef<HTMLFormElement>(null);
  const help = useRef<HTMLDialogElement>(null);
  const submit = useSubmit();
  const csrf = useAuthenticityToken();
  const busy = useNavigation().state !== "idle";
  const problems = formProblems(task.questions, answers, task.responses);
  const blocking = task.questions.filter((q) => problems[q.name]);
  const typing = useInputSignals();

  useEffect(() => {
    started.current = Date.now();
    window.scrollTo({ top: 0 });
    focusQuestion(form.current?.querySelector("[data-question]"));
  }, []);

  function send(intent: "answer" | "skip") {
    if (busy) return;
    if (intent === "answer" && blocking.length) {
      setAttempted(true);
      focusQuestion(form.current?.querySelector(`[data-question="${blocking[0].name}"]`));
      return;
    }
    const fields: Record<string, string> = { csrf, intent, assignmentId: String(task.assignmentId) };
    if (intent === "answer") {
      fields.answers = JSON.stringify(answersPayload(task.questions, answers, task.responses));
      fields.timeSpentMs = String(Date.now() - started.current);
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
  });

  const rankOf = rankIn(task.questions, answers);
  const hasRanking = task.questions.some((q) => q.type === "ranking");
  return (
    <>
      <Form
        method="post"
        ref={form}
        className="card form-task"
        {...typing.handlers}
        onSubmit={(e) => {
          e.preventDefault();
          send("answer");
        }}
      >
        <ItemView
          prompt={task.prompt}
          messages={task.messages}
          responses={task.responses}
          rankOf={hasRanking ? rankOf : undefined}
        />
        <h2 className="item-heading">Questions</h2>
        <FormQuestions
          idPrefix="task"
          questions={task.questions}
          responses={task.responses}
          answers={answers}
          problems={attempted ? problems : {}}
          onAnswer={(name, value) => setAnswers((a) => ({ ...a, [name]: value }))}
        />
        <div className="answer-bar">
          <p className="submit-problem" aria-live="assertive">
            {attempted && blocking.length ? `Still to answer: ${blocking.map((q) => q.title).join(", ")}.` : ""}
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
      </Form>
      <ShortcutsHelp ref={help} shortcuts={formShortcuts(task)} />
    </>
  );
}
