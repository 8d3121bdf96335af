import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { getLabelerCounts, isOutOfFunds, OUT_OF_FUNDS } from "../../../db/queries/labeling.ts";
import { listLabelerStanding } from "../../../db/queries/consensus.ts";
import { listOpenProjectsForLabeler } from "../../../db/queries/projects.ts";
import { db } from "~/utils/db.server.ts";
import { noteDevice } from "~/utils/devices.server.ts";
import { formatItemTime, payPerHour, projectSummary } from "~/utils/labeling-offer.ts";
import { tokenDisplay } from "~/utils/services.server.ts";
import { formatAmount } from "~/utils/tokens.ts";
import { qualityWarning } from "../../../reward/consensus/quality-explanation.ts";
import { requireUser } from "~/utils/session.server.ts";
import "~/components/labeling/labeling.css";

export const meta: MetaFunction = () => [{ title: "Label · Pairwise" }];

/** What the labeler can do with a project: start it, or why not. */
type Standing =
  { kind: "start" } | { kind: "account_paused" | "paused" | "out_of_funds"; reason: string } | { kind: "done" };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const [projects, counts, standing, deviceCookie, token] = await Promise.all([
    listOpenProjectsForLabeler(db, user.id),
    getLabelerCounts(db, { labelerId: user.id }),
    listLabelerStanding(db, user.id),
    noteDevice(request, user.id),
    tokenDisplay(),
  ]);
  const pausedOn = new Map(standing.filter((s) => s.pausedReason).map((s) => [s.projectId, s.pausedReason]));
  const outOfFunds = await Promise.all(projects.map((p) => (p.open > 0 ? isOutOfFunds(db, p.id) : false)));
  function standingOn(p: (typeof projects)[number], i: number): Standing {
    if (p.open === 0) return { kind: "done" };
    // A paused account gets no tasks anywhere: a Start button would only lead to a refusal.
    if (user.pausedReason) return { kind: "account_paused", reason: user.pausedReason };
    const pausedReason = pausedOn.get(p.id);
    if (pausedReason) return { kind: "paused", reason: pausedReason };
    if (outOfFunds[i]) return { kind: "out_of_funds", reason: OUT_OF_FUNDS };
    return { kind: "start" };
  }
  const page = {
    projects: projects.map((p, i) => ({
      id: p.id,
      title: p.title,
      taskType: p.taskType,
      summary: projectSummary(p.instructionsStart),
      open: p.open,
      mine: p.mine,
      payPerItem: formatAmount(p.rewardPerLabel, token),
      timePerItem: p.medianTimeMs === null ? null : formatItemTime(p.medianTimeMs),
      payPerHour: p.medianTimeMs === null ? null : formatAmount(payPerHour(p.rewardPerLabel, p.medianTimeMs), token),
      standing: standingOn(p, i),
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

function StandingCell({ standing }: { standing: Exclude<Standing, { kind: "start" }> }) {
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
    case "out_of_funds":
      return (
        <span className="badge paused" title={standing.reason}>
          out of funds
        </span>
      );
  }
}

export default function Work() {
  const { projects, counts, paused, warnings } = useLoaderData<typeof loader>();
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
              <th scope="col">Pay per hour (est.)</th>
              <th scope="col">Open to you</th>
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
                  <span className="muted small">{TASK_TYPES[p.taskType] ?? p.taskType}</span>
                  {p.summary ? <span className="offer-summary">{p.summary}</span> : null}
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
                    <StandingCell standing={p.standing} />
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
