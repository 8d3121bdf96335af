import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { StackedProgress } from "~/components/progress-bar.tsx";
import { listOwnedProjectsWithProgress } from "../../../db/queries/projects.ts";
import { db } from "~/utils/db.server.ts";
import { requireUser } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Projects · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const projects = await listOwnedProjectsWithProgress(db, user.id);
  return { projects: projects.map((p) => ({ ...p, rewardPerLabel: p.rewardPerLabel.toString() })) };
}

export default function Projects() {
  const { projects } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h1>Your projects</h1>
        <Link className="button" to="/projects/new">
          New project
        </Link>
      </div>
      {projects.length === 0 ? (
        <p className="card muted">No projects yet. Create one, then upload a JSONL or CSV dataset.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Title</th>
              <th>Type</th>
              <th>Items</th>
              <th style={{ width: "30%" }}>Progress</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {projects.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/projects/${p.id}`}>{p.title}</Link>
                </td>
                <td>{p.taskType}</td>
                <td>{p.items}</td>
                <td>
                  <StackedProgress done={p.done} inProgress={p.items - p.done - p.untouched} open={p.untouched} />
                </td>
                <td>
                  {p.paused ? <span className="badge paused">paused</span> : <span className="badge">active</span>}
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
