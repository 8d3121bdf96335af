import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { getLabelerCounts, listOutOfFunds, OUT_OF_FUNDS } from "../../../db/queries/labeling.ts";
import { listLabelerStanding } from "../../../db/queries/consensus.ts";
import { listOpenProjectsForLabeler } from "../../../db/queries/projects.ts";
import { listRequesterReviewStats } from "../../../db/queries/review-stats.ts";
import { db } from "~/utils/db.server.ts";
import { noteDevice } from "~/utils/devices.server.ts";
import {
  approvalDelayWords,
  formatItemTime,
  parseOfferSort,
  payPerHour,
  projectSummary,
  requesterReviewWords,
  sortOffers,
  type OfferSort,
} from "~/utils/labeling-offer.ts";
import { tokenDisplay } from "~/utils/services.server.ts";
import { formatAmount } from "~/utils/tokens.ts";
import { qualityWarning } from "../../../reward/consensus/quality-explanation.ts";
import { requireUser } from "~/utils/session.server.ts";
import "~/components/labeling/labeling.css";

export const meta: MetaFunction = () => [{ title: "Label · Pairwise" }];

/** What the labeler can do with a project: start it, or why not. */
type Standing =
  | { kind: "start" }
  | { kind: "account_paused" | "paused" | "out_of_funds" | "not_qualified"; reason: string }
  | { kind: "needs_test"; tests: { id: string; title: string }[] }
  | { kind: "done" };

type RequiredTest = { id: string; title: string; held: boolean };
const requiredTests = (p: { tests: RequiredTest[] | string }): RequiredTest[] =>
  typeof p.tests === "string" ? JSON.parse(p.tests) : p.tests;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const [projects, counts, standing, deviceCookie, token] = await Promise.all([
    listOpenProjectsForLabeler(db, user.id),
    getLabelerCounts(db, { labelerId: user.id }),
    listLabelerStanding(db, user.id),
    noteDevice(request, user.id),
    tokenDisplay(),
  ]);
  const reviews = await listRequesterReviewStats(db, { ownerIds: projects.map((p) => p.ownerId) });
  const pausedOn = new Map(standing.filter((s) => s.pausedReason).map((s) => [s.projectId, s.pausedReason]));
  const outOfFunds = await listOutOfFunds(
    db,
    projects.filter((p) => p.open > 0).map((p) => p.id),
  );
  function standingOn(p: (typeof projects)[number]): Standing {
    if (p.open === 0) return { kind: "done" };
    // A paused account gets no tasks anywhere: a Start button would only lead to a refusal.
    if (user.pausedReason) return { kind: "account_paused", reason: user.pausedReason };
    const pausedReason = pausedOn.get(p.id);
    if (pausedReason) return { kind: "paused", reason: pausedReason };
    const missing = requiredTests(p).filter((t) => !t.held);
    if (missing.length) return { kind: "needs_test", tests: missing.map(({ id, title }) => ({ id, title })) };
    if (p.minPriorQuality !== null && (p.priorQuality === null || p.priorQuality < p.minPriorQuality))
      return {
        kind: "not_qualified",
        reason: `Needs a quality score of at least ${p.minPriorQuality.toFixed(2)} on this requester's other projects.`,
      };
    if (outOfFunds.has(p.id)) return { kind: "out_of_funds", reason: OUT_OF_FUNDS };
    return { kind: "start" };
  }
  const sort = parseOfferSort(new URL(request.url).searchParams.get("sort"));
  const offers = projects.map((p) => ({
    project: p,
    standing: standingOn(p),
    open: p.open,
    payPerHour: p.medianTimeMs === null ? null : payPerHour(p.rewardPerLabel, p.medianTimeMs),
  }));
  const page = {
    sort,
    projects: sortOffers(offers, sort).map(({ project: p, standing, payPerHour }) => ({
      id: p.id,
      title: p.title,
      requester: p.requester,
      taskType: p.taskType,
      summary: projectSummary(p.instructionsStart),
      open: p.open,
      mine: p.mine,
      payPerItem: formatAmount(p.rewardPerLabel, token),
      timePerItem: p.medianTimeMs === null ? null : formatItemTime(p.medianTimeMs),
      payPerHour: payPerHour === null ? null : formatAmount(payPerHour, token),
      standing,
      tests: requiredTests(p),
      approvalDelay: approvalDelayWords(p.approvalDelayHours),
      requesterReviews: requesterReviewWords(reviews.get(p.ownerId)!),
    })),
    counts,
    warnings: standing.map((s) => qualityWarning(s)).filter((w): w is string => w !== null),
    paused: user.pausedReason,
  };
  return data(page, { headers: deviceCookie ? { "Set-Cookie": deviceCookie } : {} });
}

const TASK_TYPES: Record<string, string> = {
  pairwise: "Compare two responses",
  rating: "Rate a response",
  label: "Label items",
  form: "Answer a form",
};

function StandingCell({ standing, projectId }: { standing: Exclude<Standing, { kind: "start" }>; projectId: string }) {
  switch (standing.kind) {
    case "done":
      return <span className="muted">done</span>;
    case "account_paused":
      return <span className="badge paused">account paused</span>;
    case "paused":
      return (
        <span className="badge paused" title={standing.reason}>
          paused: <Link to="/work/quality">why</Link>
        </span>
      );
    case "needs_test":
      return (
        <span className="offer-tests">
          {standing.tests.map((t) => (
            <Link key={t.id} className="button" to={`/work/tests/${t.id}?project=${projectId}`}>
              Take the test<span className="visually-hidden">: {t.title}</span>
            </Link>
          ))}
        </span>
      );
    case "not_qualified":
      return (
        <span className="badge paused" title={standing.reason}>
          {standing.reason}
        </span>
      );
    case "out_of_funds":
      return (
        <span className="badge paused" title={standing.reason}>
          out of funds
        </span>
      );
  }
}

/** A column the list can be ordered by (highest first); ordered by it, a second click goes back to newest first. */
function SortHeader({ sort, current, children }: { sort: OfferSort; current: OfferSort; children: ReactNode }) {
  const active = sort === current;
  return (
    <th scope="col" aria-sort={active ? "descending" : undefined}>
      <Link to={active ? "?" : `?sort=${sort}`} title={active ? "Back to newest first" : "Highest first"}>
        {children}
        {active ? " ↓" : ""}
      </Link>
    </th>
  );
}

export default function Work() {
  const { projects, counts, paused, warnings, sort } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Label</h1>
      {paused ? (
        <p className="card error" role="alert">
          Your account is paused, so no tasks are served to you: {paused}
        </p>
      ) : null}
      {warnings.map((w) => (
        <p key={w} className="notice warning" role="alert">
          {w} <Link to="/work/quality">See how your score is computed</Link>.
        </p>
      ))}
      <p className="muted" data-testid="counts">
        You answered {counts.today} today, {counts.total} in total.
      </p>
      {projects.length === 0 ? (
        <p className="card muted">No projects are open right now. Check back later.</p>
      ) : (
        <table className="offers">
          <caption className="visually-hidden">Open projects</caption>
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Pay per item</th>
              <th scope="col">Time per item (median)</th>
              <SortHeader sort="pay" current={sort}>
                Pay per hour (est.)
              </SortHeader>
              <SortHeader sort="left" current={sort}>
                Open to you
              </SortHeader>
              <th scope="col">Your answers</th>
              <th scope="col">
                <span className="visually-hidden">Start</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {projects.map((p) => (
              <tr key={p.id}>
                <td className="offer-project">
                  <strong>{p.title}</strong>
                  <span className="muted small">
                    {TASK_TYPES[p.taskType] ?? p.taskType} · by {p.requester}
                  </span>
                  {p.summary ? <span className="offer-summary">{p.summary}</span> : null}
                  <span className="small" data-testid="requester-reviews">
                    Requester: {p.requesterReviews.approvalRate}
                    {p.requesterReviews.approvalTime ? ` · ${p.requesterReviews.approvalTime}` : ""} ·{" "}
                    {p.requesterReviews.appeals}
                  </span>
                  <span className="small muted" data-testid="approval-delay">
                    {p.approvalDelay}
                  </span>
                  {p.tests.length ? (
                    <span className="small" data-testid="required-tests">
                      Requires:{" "}
                      {p.tests.map((t, i) => (
                        <span key={t.id}>
                          {i ? ", " : ""}
                          <Link to={`/work/tests/${t.id}?project=${p.id}`}>{t.title}</Link>{" "}
                          {t.held ? "(passed)" : "(to take)"}
                        </span>
                      ))}
                    </span>
                  ) : null}
                </td>
                <td data-label="Pay per item">{p.payPerItem}</td>
                <td data-label="Time per item">{p.timePerItem ?? <span className="muted">no answers yet</span>}</td>
                <td data-label="Pay per hour">
                  {p.payPerHour ? (
                    <abbr title="at the full rate (your pay is weighted by your quality), at the median pace">
                      ≈ {p.payPerHour}
                    </abbr>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td data-label="Open to you">{p.open}</td>
                <td data-label="Your answers">{p.mine}</td>
                <td className="offer-action">
                  {p.standing.kind === "start" ? (
                    <Link className="button" to={`/work/${p.id}`}>
                      Start
                    </Link>
                  ) : (
                    <StandingCell standing={p.standing} projectId={p.id} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
