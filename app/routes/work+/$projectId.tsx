import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { AuthenticityTokenInput, useAuthenticityToken } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { FlagMenu } from "~/components/labeling/flag-menu.tsx";
import { FormTask } from "~/components/labeling/form-task.tsx";
import { Markdown } from "~/components/markdown.tsx";
import { DomainError } from "../../../db/errors.ts";
import { getHeldTask, getLabelerCounts, leaseNextTask } from "../../../db/queries/labeling.ts";
import { getProject } from "../../../db/queries/projects.ts";
import { domainErrorStatus } from "~/utils/api.server.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { db } from "~/utils/db.server.ts";
import { performTaskAction } from "../../../labeling/task-actions.ts";
import { RateLimitedError, rateLimit } from "~/utils/rate-limit.server.ts";
import { TaskActionSchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";
import { toTaskView, type TaskView } from "../../../labeling/task-view.ts";

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
  // Reading the page leases nothing (an image or a prefetch of this URL must not take items): the task shown is
  // the lease the labeler holds; the page asks for one with a POST when it holds none.
  const held = await getHeldTask(db, { projectId: project.id, labelerId: user.id });
  const task: TaskView | null = held && toTaskView(held, project.questions);
  const [inProject, overall] = await Promise.all([
    getLabelerCounts(db, { labelerId: user.id, projectId: project.id }),
    getLabelerCounts(db, { labelerId: user.id }),
  ]);
  return {
    project: {
      id: project.id,
      title: project.title,
      instructions: project.instructions,
      taskType: project.taskType,
      categories: project.categories ?? [],
      ratingMin: project.ratingMin ?? 1,
      ratingMax: project.ratingMax ?? 5,
    },
    task,
    counts: { projectTotal: inProject.total, today: overall.today, total: overall.total },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const project = await requireOpenProject(params.projectId);
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  if (formData.get("intent") !== "next") {
    const parsed = TaskActionSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return data({ error: parsed.error.issues[0].message, blocked: null, exhausted: false }, 400);
    try {
      await rateLimit("answer", user.id);
      await performTaskAction(db, project, user.id, parsed.data);
    } catch (error) {
      if (error instanceof RateLimitedError)
        return data(
          { error: error.message, blocked: null, exhausted: false },
          { status: 429, headers: { "Retry-After": String(error.retryAfterSeconds) } },
        );
      if (error instanceof DomainError)
        return data({ error: error.message, blocked: null, exhausted: false }, { status: domainErrorStatus(error) });
      throw error;
    }
  }
  // The next lease, taken by this POST; the page then shows it as the held task.
  try {
    const next = await leaseNextTask(db, { projectId: project.id, labelerId: user.id });
    return { error: null, blocked: null, exhausted: next === null };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { error: null, blocked: error.message, exhausted: false };
  }
}

type Option = { value: string; label: string; key: string };

function optionsFor(project: {
  taskType: string;
  categories: string[];
  ratingMin: number;
  ratingMax: number;
}): Option[] {
  if (project.taskType === "pairwise")
    return [
      { value: "left", label: "A is better", key: "1" },
      { value: "right", label: "B is better", key: "2" },
      { value: "tie", label: "Tie", key: "3" },
      { value: "both_bad", label: "Both bad", key: "4" },
    ];
  if (project.taskType === "rating") {
    const values = Array.from({ length: project.ratingMax - project.ratingMin + 1 }, (_, i) => project.ratingMin + i);
    return values.map((v, i) => ({ value: String(v), label: String(v), key: i < 9 ? String(i + 1) : "" }));
  }
  return project.categories.map((c, i) => ({ value: c, label: c, key: i < 9 ? String(i + 1) : "" }));
}

function announcement(task: TaskView, n: number) {
  if (task.kind !== "form") return `Item ${n} loaded.`;
  const count = (k: number, what: string) => `${k} ${what}${k === 1 ? "" : "s"}`;
  return `Item ${n} loaded: ${count(task.responses.length, "response")}, ${count(task.questions.length, "question")}.`;
}

export default function Labeling() {
  const { project, task, counts } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const blocked = actionData?.blocked ?? null;
  const exhausted = actionData?.exhausted ?? false;
  const submit = useSubmit();
  const csrf = useAuthenticityToken();
  const navigation = useNavigation();
  const needsLease = !task && !blocked && !exhausted && navigation.state === "idle";
  useEffect(() => {
    if (needsLease) submit({ intent: "next", csrf }, { method: "post" });
  }, [needsLease, submit, csrf]);
  // Counts the items this visit has shown, so that each new one changes the announcement and is read out.
  const assignmentId = task?.assignmentId;
  const [shown, setShown] = useState({ assignmentId, items: assignmentId === undefined ? 0 : 1 });
  if (shown.assignmentId !== assignmentId)
    setShown({ assignmentId, items: shown.items + (assignmentId === undefined ? 0 : 1) });
  return (
    <>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1>{project.title}</h1>
        <span className="muted" data-testid="counts">
          Today {counts.today} · in this project {counts.projectTotal} · total {counts.total}
        </span>
      </div>
      <details className="card">
        <summary>Instructions</summary>
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
      {blocked ? (
        <p className="card error">{blocked}</p>
      ) : task?.kind === "form" ? (
        <FormTask key={task.assignmentId} task={task} />
      ) : task ? (
        <TaskForm key={task.assignmentId} task={task} options={optionsFor(project)} />
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
          <Link to="/work">Back to projects</Link>
        </div>
      )}
    </>
  );
}

function TaskForm({ task, options }: { task: Exclude<TaskView, { kind: "form" }>; options: Option[] }) {
  const [choice, setChoice] = useState<string | null>(null);
  const [strength, setStrength] = useState<string>("");
  // When the item appeared on screen (set after mount: reading the clock during render is not pure).
  const started = useRef(0);
  useEffect(() => {
    started.current = Date.now();
  }, []);
  const form = useRef<HTMLFormElement>(null);
  const submit = useSubmit();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";

  function send(intent: "answer" | "skip") {
    if (!form.current || busy) return;
    const fd = new FormData(form.current);
    fd.set("intent", intent);
    fd.set("timeSpentMs", String(Date.now() - started.current));
    submit(fd, { method: "post" });
  }

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const target = e.target as HTMLElement;
      const typing =
        target.tagName === "TEXTAREA" || (target.tagName === "INPUT" && (target as HTMLInputElement).type === "text");
      if (e.key === "Enter" && (!typing || e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        if (choice) send("answer");
        return;
      }
      if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === "s") {
        e.preventDefault();
        send("skip");
        return;
      }
      const option = options.find((o) => o.key === e.key);
      if (option) {
        e.preventDefault();
        setChoice(option.value);
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  return (
    <Form
      method="post"
      ref={form}
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        send("answer");
      }}
    >
      <AuthenticityTokenInput />
      <input type="hidden" name="assignmentId" value={task.assignmentId} />
      <input type="hidden" name="choice" value={choice ?? ""} />
      {task.kind === "pairwise" ? (
        <>
          <h2 style={{ marginTop: 0 }}>Prompt</h2>
          <Markdown>{task.prompt}</Markdown>
          <div className="pair">
            <section className="response" data-testid="response-left">
              <h3>A</h3>
              <Markdown>{task.left}</Markdown>
            </section>
            <section className="response" data-testid="response-right">
              <h3>B</h3>
              <Markdown>{task.right}</Markdown>
            </section>
          </div>
        </>
      ) : task.kind === "rating" ? (
        <>
          <h2 style={{ marginTop: 0 }}>Prompt</h2>
          <Markdown>{task.prompt}</Markdown>
          <section className="response">
            <h3>Response</h3>
            <Markdown>{task.response}</Markdown>
          </section>
        </>
      ) : (
        <section className="response">
          <Markdown>{task.text}</Markdown>
        </section>
      )}
      <div className="choices" role="group" aria-label="Answer">
        {options.map((o) => (
          <button
            type="button"
            key={o.value}
            className="choice"
            aria-pressed={choice === o.value}
            onClick={() => setChoice(o.value)}
          >
            {o.key ? <kbd>{o.key}</kbd> : null} {o.label}
          </button>
        ))}
      </div>
      {task.kind === "pairwise" && (choice === "left" || choice === "right") ? (
        <fieldset className="row" style={{ border: "none", padding: 0 }}>
          <legend className="small muted">How much better? (optional)</legend>
          {[
            ["1", "slightly"],
            ["2", "clearly"],
            ["3", "much"],
          ].map(([v, l]) => (
            <label key={v} className="row" style={{ flexDirection: "row", fontWeight: 400 }}>
              <input type="radio" name="strength" value={v} checked={strength === v} onChange={() => setStrength(v)} />{" "}
              {l}
            </label>
          ))}
        </fieldset>
      ) : null}
      <label>
        Rationale (optional)
        <textarea name="rationale" rows={2} maxLength={5000} placeholder="Why? Ctrl+Enter submits from here." />
      </label>
      <div className="row" style={{ marginTop: ".75rem" }}>
        <button type="submit" disabled={!choice || busy}>
          Submit <kbd>Enter</kbd>
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => send("skip")}>
          Skip <kbd>s</kbd>
        </button>
        <FlagMenu assignmentId={task.assignmentId} disabled={busy} />
      </div>
    </Form>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
