import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ReviewAnswerCard } from "~/components/review-answer.tsx";
import { DomainError } from "../../../db/errors.ts";
import { APPEAL_WINDOW_DAYS } from "../../../db/queries/review-state.ts";
import { readFormData } from "~/utils/body.server.ts";
import { validateCsrf } from "~/utils/csrf.server.ts";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import {
  APPEAL_DECISION_WORDS,
  DEFAULT_SAMPLE,
  ReviewPageActionSchema,
  ReviewQueueQuerySchema,
} from "~/utils/review-schemas.ts";
import {
  decideAppealAsUser,
  loadAppeals,
  loadReviewLabelers,
  loadReviewQueue,
  reviewAsUser,
} from "~/utils/reviews.server.ts";
import { requireUser } from "~/utils/session.server.ts";
import { useLiveStatus } from "~/utils/use-live-status.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Review answers · ${data?.project.title ?? "Project"} · Pairwise` },
];

const VIEWS = ["sample", "labeler", "appeals"] as const;
type View = (typeof VIEWS)[number];

const REFUSAL_WORDS: Record<string, string> = {
  not_found: "not an answer of this project",
  already_reviewed: "reviewed already",
  auto_approved: "approved automatically (its delay passed)",
  paid: "paid already",
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const { project } = await requireProjectAccess(user, params.projectId, "review");
  const url = new URL(request.url);
  const view: View = (VIEWS as readonly string[]).includes(url.searchParams.get("view") ?? "")
    ? (url.searchParams.get("view") as View)
    : "sample";
  const given = Object.fromEntries(
    [...url.searchParams].filter(([key, value]) => key !== "view" && value !== ""),
  ) as Record<string, string>;
  const parsed = ReviewQueueQuerySchema.safeParse({
    ...given,
    ...(view === "sample" ? { status: "reviewable", sample: given.sample ?? String(DEFAULT_SAMPLE) } : {}),
    ...(view === "labeler" ? { sample: undefined } : {}),
    ...(view === "appeals" ? { labeler: undefined } : {}),
  });
  if (!parsed.success) throw new Response(parsed.error.issues[0].message, { status: 400 });
  const query = parsed.data;
  // The labeler view lists one labeler's answers: without a choice yet, it shows none.
  const listing = view === "appeals" || (view === "labeler" && !query.labeler) ? null : query;
  let queue;
  try {
    queue = listing
      ? await loadReviewQueue(project, listing)
      : { ...(await loadReviewLabelers(project)), answers: [], next: null };
  } catch (error) {
    if (error instanceof DomainError) throw new Response(error.message, { status: 404 });
    throw error;
  }
  return {
    project: { id: project.id, title: project.title, approvalDelayHours: project.approvalDelayHours },
    view,
    query: { status: query.status, labeler: query.labeler ?? "", sample: query.sample ?? DEFAULT_SAMPLE },
    counts: { checkedAt: Date.now(), revision: "counts", labelers: queue.labelers },
    answers: queue.answers,
    next: queue.next,
    appealWindowDays: APPEAL_WINDOW_DAYS,
    appeals: view === "appeals" ? await loadAppeals(project, true) : [],
  };
}

type ActionResult = {
  formId: string | null;
  result: SubmissionResult<string[]> | null;
  message: string | null;
  error: string | null;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const { project } = await requireProjectAccess(user, params.projectId, "review");
  const formData = await readFormData(request);
  await validateCsrf(formData, request.headers);
  const submission = parseWithZod(formData, { schema: ReviewPageActionSchema });
  const intent = formData.get("intent");
  const ids = formData.getAll("labelIds");
  const formId =
    intent === "decide"
      ? `appeal-${String(formData.get("labelId"))}`
      : ids.length === 1
        ? `review-${String(ids[0])}`
        : "approve-all";
  if (submission.status !== "success")
    return data<ActionResult>({ formId, result: submission.reply(), message: null, error: null }, { status: 400 });
  const input = submission.value;
  try {
    if (input.intent === "decide") {
      await decideAppealAsUser(user, project, input);
      return data<ActionResult>({
        formId,
        result: submission.reply({ resetForm: true }),
        message: `Appeal decided: ${APPEAL_DECISION_WORDS[input.decision].toLowerCase()}. The labeler sees your note.`,
        error: null,
      });
    }
    const done = await reviewAsUser(user, project, input);
    const changed = done.approved ?? done.rejected ?? [];
    const verb = input.decision === "approve" ? "Approved" : "Rejected";
    const refused = done.refused.length
      ? ` ${plural(done.refused.length, "answer")} could not be: ${[...new Set(done.refused.map((r) => REFUSAL_WORDS[r.reason]))].join("; ")}.`
      : "";
    return data<ActionResult>({
      formId,
      result: submission.reply({ resetForm: true }),
      message: `${verb} ${plural(changed.length, "answer")}.${refused}`,
      error: null,
    });
  } catch (error) {
    if (error instanceof DomainError)
      return data<ActionResult>({ formId, result: null, message: null, error: error.message }, { status: 409 });
    throw error;
  }
}

export default function ReviewQueue() {
  const {
    project,
    view,
    query,
    counts: loadedCounts,
    answers,
    next,
    appeals,
    appealWindowDays,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const counts = useLiveStatus(`/projects/${project.id}/review-counts`, loadedCounts, 10_000);
  const labelers = counts.labelers;
  const lastResultFor = (formId: string) =>
    actionData?.formId === formId ? (actionData.result ?? undefined) : undefined;
  const reviewableShown = answers.filter((a) => a.reviewable);
  const totals = labelers.reduce(
    (t, l) => ({
      reviewable: t.reviewable + l.reviewable,
      approved: t.approved + l.approved,
      rejected: t.rejected + l.rejected,
      openAppeals: t.openAppeals + l.openAppeals,
    }),
    { reviewable: 0, approved: 0, rejected: 0, openAppeals: 0 },
  );
  const delay = project.approvalDelayHours;
  return (
    <>
      <p className="small">
        <Link to={`/projects/${project.id}`}>← {project.title}</Link>
      </p>
      <h1>Review answers</h1>
      <p className="muted">
        {delay === 0
          ? "This project approves answers as they arrive (no approval delay), so there is nothing left to review."
          : `Answers nobody reviews are approved automatically ${plural(delay, "hour")} after they were given.`}{" "}
        A rejected answer leaves the consensus and earns nothing; its labeler sees your reason and note and may appeal
        once within {appealWindowDays} days. Your decision on an appeal is final.
      </p>

      <div aria-live="polite">
        {actionData?.message ? (
          <p role="status" className="notice success" data-testid="review-message">
            {actionData.message}
          </p>
        ) : null}
        {actionData?.error ? (
          <p role="alert" className="notice warning">
            {actionData.error}
          </p>
        ) : null}
      </div>

      <section className="card" aria-labelledby="review-counts">
        <h2 id="review-counts" style={{ marginTop: 0 }}>
          Labelers
        </h2>
        <p className="small muted" data-testid="review-totals">
          {totals.reviewable} to review · {totals.approved} approved · {totals.rejected} rejected · {totals.openAppeals}{" "}
          open appeal{totals.openAppeals === 1 ? "" : "s"}. Updates while this page is open.
        </p>
        {labelers.length ? (
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Labelers' answers by review status">
            <table>
              <thead>
                <tr>
                  <th>Labeler</th>
                  <th>Answers</th>
                  <th>To review</th>
                  <th>Approved</th>
                  <th>Rejected</th>
                  <th>Open appeals</th>
                  <th>Quality</th>
                  <th>
                    <span className="visually-hidden">Review</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {labelers.map((l) => (
                  <tr key={l.labeler} data-testid="review-labeler">
                    <td>Labeler {l.labeler}</td>
                    <td>{l.answers}</td>
                    <td data-testid="labeler-reviewable">{l.reviewable}</td>
                    <td data-testid="labeler-approved">{l.approved}</td>
                    <td data-testid="labeler-rejected">{l.rejected}</td>
                    <td>{l.openAppeals}</td>
                    <td>{l.quality === null ? "—" : l.quality.toFixed(2)}</td>
                    <td>
                      <Link to={`?view=labeler&labeler=${l.labeler}&status=all`}>
                        All answers<span className="visually-hidden"> of labeler {l.labeler}</span>
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">No answers yet.</p>
        )}
      </section>

      <Form method="get" className="card row review-filters" aria-label="What to review">
        <label>
          Show
          <select name="view" defaultValue={view}>
            <option value="sample">A sample of each labeler’s answers</option>
            <option value="labeler">One labeler’s answers</option>
            <option value="appeals">Open appeals</option>
          </select>
        </label>
        <label>
          Answers per labeler (sample)
          <input name="sample" type="number" min={1} max={100} defaultValue={query.sample} />
        </label>
        <label>
          Labeler
          <select name="labeler" defaultValue={query.labeler}>
            <option value="">Choose…</option>
            {labelers.map((l) => (
              <option key={l.labeler} value={l.labeler}>
                Labeler {l.labeler}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status (one labeler)
          <select name="status" defaultValue={query.status}>
            <option value="reviewable">To review</option>
            <option value="approved">Approved</option>
            <option value="rejected">Rejected</option>
            <option value="all">All</option>
          </select>
        </label>
        <button type="submit" className="secondary">
          Show
        </button>
      </Form>

      {view === "appeals" ? (
        <section aria-labelledby="appeals-heading">
          <h2 id="appeals-heading">Open appeals ({appeals.length})</h2>
          {appeals.length === 0 ? <p className="card muted">No appeal is waiting for a decision.</p> : null}
          {appeals.map((a) => (
            <ReviewAnswerCard
              key={a.labelId}
              answer={a}
              mode="appeal"
              lastResult={lastResultFor(`appeal-${a.labelId}`)}
            />
          ))}
        </section>
      ) : (
        <section aria-labelledby="answers-heading">
          <h2 id="answers-heading">
            {view === "sample"
              ? `To review: up to ${query.sample} of each labeler’s newest answers`
              : query.labeler
                ? `Labeler ${query.labeler}’s answers`
                : "Choose a labeler above"}
          </h2>
          {reviewableShown.length > 1 ? (
            <Form method="post" preventScrollReset className="row" id="approve-all">
              <AuthenticityTokenInput />
              <input type="hidden" name="intent" value="review" />
              <input type="hidden" name="decision" value="approve" />
              {reviewableShown.map((a) => (
                <input key={a.labelId} type="hidden" name="labelIds" value={a.labelId} />
              ))}
              <button type="submit">Approve all {reviewableShown.length} shown</button>
            </Form>
          ) : null}
          {answers.length === 0 && (view === "sample" || query.labeler) ? (
            <p className="card muted" data-testid="review-empty">
              Nothing here: every answer that can still be reviewed is reviewed.
            </p>
          ) : null}
          {answers.map((a) => (
            <ReviewAnswerCard
              key={a.labelId}
              answer={a}
              mode="review"
              lastResult={lastResultFor(`review-${a.labelId}`)}
            />
          ))}
          {next !== null ? (
            <p>
              <Link
                to={`?${new URLSearchParams({
                  view,
                  ...(query.labeler ? { labeler: query.labeler } : {}),
                  status: query.status,
                  ...(view === "sample" ? { sample: String(query.sample) } : {}),
                  cursor: String(next),
                })}`}
              >
                Next page
              </Link>
            </p>
          ) : null}
        </section>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
