import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { getLabelerCounts } from "../../db/queries/assignments.ts";
import { listOpenProjectsForLabeler } from "../../db/queries/projects.ts";
import { db } from "~/utils/db.server.ts";
import { requireUser } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Label · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["labeler"]);
  const [projects, counts] = await Promise.all([
    listOpenProjectsForLabeler(db, user.id),
    getLabelerCounts(db, { labelerId: user.id }),
  ]);
  return {
    projects: projects.map((p) => ({ ...p, rewardPerLabel: p.rewardPerLabel.toString() })),
    counts,
    paused: user.pausedReason,
  };
}

export default function Work() {
  const { projects, counts, paused } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Label</h1>
      {paused ? <p className="card error">Your account is paused: {paused}</p> : null}
      <p className="muted" data-testid="counts">
        You answered {counts.today} today, {counts.total} in total.
      </p>
      {projects.length === 0 ? (
        <p className="card muted">No projects are open right now. Check back later.</p>
      ) : (
        <table>
          <thead>
            <tr><th>Project</th><th>Type</th><th>Reward per label</th><th>Open to you</th><th>Your answers</th><th /></tr>
          </thead>
          <tbody>
            {projects.map((p) => (
              <tr key={p.id}>
                <td>{p.title}</td>
                <td>{p.taskType}</td>
                <td>{p.rewardPerLabel}</td>
                <td>{p.open}</td>
                <td>{p.mine}</td>
                <td>{p.open > 0 ? <Link className="button" to={`/work/${p.id}`}>Start</Link> : <span className="muted">done</span>}</td>
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
