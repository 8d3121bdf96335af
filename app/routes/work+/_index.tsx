import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { getLabelerCounts, isOutOfFunds, OUT_OF_FUNDS } from "../../../db/queries/labeling.ts";
import { listLabelerStanding } from "../../../db/queries/consensus.ts";
import { listOpenProjectsForLabeler } from "../../../db/queries/projects.ts";
import { db } from "~/utils/db.server.ts";
import { noteDevice } from "~/utils/devices.server.ts";
import { qualityWarning } from "../../../reward/consensus/quality-explanation.ts";
import { requireUser } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Label · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const [projects, counts, standing, deviceCookie] = await Promise.all([
    listOpenProjectsForLabeler(db, user.id),
    getLabelerCounts(db, { labelerId: user.id }),
    listLabelerStanding(db, user.id),
    noteDevice(request, user.id),
  ]);
  const pausedOn = new Map(standing.filter((s) => s.pausedReason).map((s) => [s.projectId, s.pausedReason]));
  const outOfFunds = await Promise.all(projects.map((p) => (p.open > 0 ? isOutOfFunds(db, p.id) : false)));
  const page = {
    projects: projects.map((p, i) => ({
      ...p,
      rewardPerLabel: p.rewardPerLabel.toString(),
      pausedReason: pausedOn.get(p.id) ?? null,
      outOfFunds: outOfFunds[i] ? OUT_OF_FUNDS : null,
    })),
    counts,
    warnings: standing.map((s) => qualityWarning(s)).filter((w): w is string => w !== null),
    paused: user.pausedReason,
  };
  return data(page, { headers: deviceCookie ? { "Set-Cookie": deviceCookie } : {} });
}

export default function Work() {
  const { projects, counts, paused, warnings } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Label</h1>
      {paused ? <p className="card error">Your account is paused: {paused}</p> : null}
      {warnings.map((w) => (
        <p key={w} className="notice" role="alert">
          {w} <Link to="/work/quality">See how your score is computed</Link>.
        </p>
      ))}
      <p className="muted" data-testid="counts">
        You answered {counts.today} today, {counts.total} in total.
      </p>
      {projects.length === 0 ? (
        <p className="card muted">No projects are open right now. Check back later.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Project</th>
              <th>Type</th>
              <th>Reward per label</th>
              <th>Open to you</th>
              <th>Your answers</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {projects.map((p) => (
              <tr key={p.id}>
                <td>{p.title}</td>
                <td>{p.taskType}</td>
                <td>{p.rewardPerLabel}</td>
                <td>{p.open}</td>
                <td>{p.mine}</td>
                <td>
                  {p.pausedReason ? (
                    <span className="badge paused" title={p.pausedReason}>
                      paused: <Link to="/work/quality">why</Link>
                    </span>
                  ) : p.open > 0 && p.outOfFunds ? (
                    <span className="badge paused" title={p.outOfFunds}>
                      out of funds
                    </span>
                  ) : p.open > 0 ? (
                    <Link className="button" to={`/work/${p.id}`}>
                      Start
                    </Link>
                  ) : (
                    <span className="muted">done</span>
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
