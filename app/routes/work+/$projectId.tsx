import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useState } from "react";
import { AuthenticityTokenInput, useAuthenticityToken } from "remix-utils/csrf/react";
import { EarningsSummary } from "~/components/earnings-summary.tsx";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { FixedTask, fixedOptions, type RestoredAnswer } from "~/components/labeling/fixed-task.tsx";
import { FormTask } from "~/components/labeling/form-task.tsx";
import { TaskToast } from "~/components/labeling/task-toast.tsx";
import { UndoButton, useUndoAnswer } from "~/components/labeling/undo-answer.tsx";
import { Markdown } from "~/components/markdown.tsx";
import { DomainError } from "../../../db/errors.ts";
import { getHeldTask, getLabelerCounts, leaseNextTask, NotQualifiedError } from "../../../db/queries/labeling.ts";
import { findUndoableAnswer, undoAnswer, type UndoneAnswer } from "../../../db/queries/labeling-undo.ts";
import { getProject, type Project } from "../../../db/queries/projects.ts";
import { domainErrorStatus } from "~/utils/api.server.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { loadEarnings } from "~/utils/earnings.server.ts";
import { payAfterApprovalWords } from "~/utils/labeling-offer.ts";
import { formatAmount } from "~/utils/tokens.ts";
import { performTaskAction } from "../../../labeling/task-actions.ts";
import { RateLimitedError, rateLimit } from "~/utils/rate-limit.server.ts";
import { LabelingPageActionSchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";
import { toTaskView, type TaskView } from "../../../labeling/task-view.ts";
import { toScreenFormAnswers } from "../../../labeling/form-answers.ts";
import type { ScreenAnswers } from "~/components/labeling/screen-answers.ts";
import "~/components/labeling/labeling.css";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.project.title ?? "Label"} · Pairwise` },
];

async function requireOpenProject(projectId: string | undefined) {
  const project = projectId ? await getProject(db, projectId) : null;
  if (!project) throw new Response("No such project.", { status: 404 });
  return project;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const project = await requireOpenProject(params.projectId);
  const mine = { projectId: project.id, labelerId: user.id };
  // Reading the page leases nothing (an image or a prefetch of this URL must not take items): the task shown is
  // the lease the labeler holds; the page asks for one with a POST when it holds none.
  const [held, inProject, overall, undoable, earnings] = await Promise.all([
    getHeldTask(db, mine),
    getLabelerCounts(db, mine),
    getLabelerCounts(db, { labelerId: user.id }),
    findUndoableAnswer(db, mine),
    loadEarnings(user.id),
  ]);
  const task: TaskView | null = held && toTaskView(held, project.questions);
  return {
    project: {
      id: project.id,
      title: project.title,
      instructions: project.instructions,
      taskType: project.taskType,
      categories: project.categories ?? [],
      ratingMin: project.ratingMin ?? 1,
      ratingMax: project.ratingMax ?? 5,
      // What an answer pays and when: the full rate weighted by quality, once the answer is approved.
      payTerms:
        `${formatAmount(project.rewardPerLabel, earnings.token)} per answer at the full rate, weighted by your ` +
        `quality score; ${payAfterApprovalWords(project.approvalDelayHours)}. Rejected answers are not paid.`,
    },
    task,
    counts: { projectTotal: inProject.total, today: overall.today, total: overall.total },
    undoable,
    earnings,
  };
}

type Feedback = { intent: "answer" | "skip" | "undo" } | { intent: "flag"; reason: string };

interface ActionResult {
  error: string | null;
  /** Why no next task could be leased (paused, out of funds, not qualified…). */
  blocked: string | null;
  /** The qualification tests that would admit the labeler, when that is why. */
  blockedTests: { id: string; title: string }[];
  exhausted: boolean;
  /** What the action did, confirmed to the labeler. */
  feedback: Feedback | null;
  /** The answer an undo took back, to show its item with it again. */
  restored: Restored | null;
}

type Restored = ({ kind: "fixed" } & RestoredAnswer) | { kind: "form"; assignmentId: number; answers: ScreenAnswers };

const result = (fields: Partial<ActionResult>): ActionResult => ({
  error: null,
  blocked: null,
  blockedTests: [],
  exhausted: false,
  feedback: null,
  restored: null,
  ...fields,
});

/** An undone answer in screen terms: a pair's stored a/b back to the side it was shown on, a form's slots likewise. */
function restoredAnswer(project: Project, undone: UndoneAnswer): Restored {
  if (project.taskType === "form") {
    const order = undone.responseOrder ?? [];
    const answers = toScreenFormAnswers(project.questions ?? [], order, undone.answers ?? {}) as ScreenAnswers;
    return { kind: "form", assignmentId: undone.assignmentId, answers };
  }
  const side = { a: undone.swapped ? "right" : "left", b: undone.swapped ? "left" : "right" };
  const choice = project.taskType === "pairwise" ? (side[undone.value as "a" | "b"] ?? undone.value) : undone.value;
  const { assignmentId, strength, rationale } = undone;
  return { kind: "fixed", assignmentId, choice, strength, rationale };
}

/** Leases the labeler's next task, which the page then shows as the held one. */
async function leaseNext(project: Project, labelerId: string, feedback: Feedback | null) {
  try {
    const next = await leaseNextTask(db, { projectId: project.id, labelerId });
    return result({ feedback, exhausted: next === null });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const blockedTests = error instanceof NotQualifiedError ? error.tests : [];
    return result({ feedback, blocked: error.message, blockedTests });
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const project = await requireOpenProject(params.projectId);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  if (formData.get("intent") === "next") return leaseNext(project, user.id, null);
  const parsed = LabelingPageActionSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return data(result({ error: parsed.error.issues[0].message }), 400);
  const act = parsed.data;
  try {
    await rateLimit("answer", user.id);
    if (act.intent === "undo") {
      const undone = await undoAnswer(db, {
        assignmentId: act.assignmentId,
        labelerId: user.id,
        projectId: project.id,
      });
      return result({ feedback: { intent: "undo" }, restored: restoredAnswer(project, undone) });
    }
    await performTaskAction(db, project, user.id, act);
  } catch (error) {
    if (error instanceof RateLimitedError)
      return data(result({ error: error.message }), {
        status: 429,
        headers: { "Retry-After": String(error.retryAfterSeconds) },
      });
    if (error instanceof DomainError)
      return data(result({ error: error.message }), { status: domainErrorStatus(error) });
    throw error;
  }
  return leaseNext(project, user.id, act.intent === "flag" ? { intent: "flag", reason: act.reason } : act);
}

function announcement(task: TaskView, n: number) {
  if (task.kind !== "form") return `Item ${n} loaded.`;
  const count = (k: number, what: string) => `${k} ${what}${k === 1 ? "" : "s"}`;
  return `Item ${n} loaded: ${count(task.responses.length, "response")}, ${count(task.questions.length, "question")}.`;
}

function feedbackMessage(feedback: Feedback, today: number) {
  switch (feedback.intent) {
    case "answer":
      return `Saved · ${today} today`;
    case "skip":
      return "Skipped · you will not get this item again";
    case "flag":
      return `Flagged as ${feedback.reason} · the requester will see it`;
    case "undo":
      return "Answer taken back · change it and submit again";
  }
}

export default function Labeling() {
  const { project, task, counts, undoable, earnings } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const blocked = actionData?.blocked ?? null;
  const exhausted = actionData?.exhausted ?? false;
  const submit = useSubmit();
  const csrf = useAuthenticityToken();
  const navigation = useNavigation();
  const undo = useUndoAnswer(undoable);
  const needsLease = !task && !blocked && !exhausted && navigation.state === "idle";
  useEffect(() => {
    if (needsLease) submit({ intent: "next", csrf }, { method: "post" });
  }, [needsLease, submit, csrf]);
  // Counts the items this visit has shown, so that each new one changes the announcement and is read out.
  const assignmentId = task?.assignmentId;
  const [shown, setShown] = useState({ assignmentId, items: assignmentId === undefined ? 0 : 1 });
  if (shown.assignmentId !== assignmentId)
    setShown({ assignmentId, items: shown.items + (assignmentId === undefined ? 0 : 1) });
  const restored = actionData?.restored?.assignmentId === task?.assignmentId ? actionData?.restored : undefined;
  return (
    <div className="labeling-page">
      <header className="labeling-header">
        <h1>{project.title}</h1>
        <p className="labeling-counts" data-testid="counts">
          Today {counts.today} · in this project {counts.projectTotal} · total {counts.total}
        </p>
        <EarningsSummary earnings={earnings} projectId={project.id} />
      </header>
      {/* Open until the labeler's first answer here: on a first visit the instructions come before the work. */}
      <details className="card instructions" open={counts.projectTotal === 0}>
        <summary>Instructions</summary>
        <p className="small muted" data-testid="pay-terms">
          <strong>Pay:</strong> {project.payTerms}
        </p>
        <Markdown>{project.instructions || "_No instructions._"}</Markdown>
      </details>
      {actionData?.error ? (
        <p className="card error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      <p className="visually-hidden" aria-live="polite" data-testid="task-announcement">
        {task ? announcement(task, shown.items) : ""}
      </p>
      <TaskToast
        id={actionData}
        message={actionData?.feedback ? feedbackMessage(actionData.feedback, counts.today) : null}
      />
      {blocked ? (
        <div className="card error">
          <p>{blocked}</p>
          {actionData?.blockedTests.length ? (
            <ul>
              {actionData.blockedTests.map((t) => (
                <li key={t.id}>
                  <Link to={`/work/tests/${t.id}`}>Take the test “{t.title}”</Link>
                </li>
              ))}
            </ul>
          ) : null}
          <UndoButton undo={undo} disabled={navigation.state !== "idle"} withKey />
        </div>
      ) : task?.kind === "form" ? (
        <FormTask
          key={task.assignmentId}
          task={task}
          restored={restored?.kind === "form" ? restored.answers : undefined}
          undo={undo}
        />
      ) : task ? (
        <FixedTask
          key={task.assignmentId}
          task={task}
          options={fixedOptions(project)}
          restored={restored?.kind === "fixed" ? restored : undefined}
          undo={undo}
        />
      ) : !exhausted ? (
        <Form method="post" className="card" aria-busy={navigation.state !== "idle"}>
          <AuthenticityTokenInput />
          <p>Getting your next item…</p>
          <button name="intent" value="next">
            Get a task
          </button>
        </Form>
      ) : (
        <div className="card">
          <p>No more items for you in this project. Thank you!</p>
          <div className="row">
            <Link to="/work">Back to projects</Link>
            <UndoButton undo={undo} disabled={navigation.state !== "idle"} withKey />
          </div>
        </div>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
