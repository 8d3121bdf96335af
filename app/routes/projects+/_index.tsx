import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { StackedProgress } from "~/components/progress-bar.tsx";
import { listOwnedProjectsWithProgress } from "../../../db/queries/projects.ts";
import { db } from "~/utils/db.server.ts";
import { tokenDisplay } from "~/utils/services.server.ts";
import { formatAmount } from "~/utils/tokens.ts";
import "~/components/project-list.css";
import { requireUser } from "~/utils/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Projects · Pairwise" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const [projects, token] = await Promise.all([listOwnedProjectsWithProgress(db, user.id), tokenDisplay()]);
  // Projects shared with the user by an owner's team come with the role they hold there.
  return { projects: projects.map((p) => ({ ...p, rewardPerLabel: formatAmount(p.rewardPerLabel, token) })) };
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
        <table className="project-list">
          <thead>
            <tr>
              <th>Title</th>
              <th>Type</th>
              <th>Reward per label</th>
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
                  {p.role !== "owner" ? (
                    <span className="badge" data-testid="shared-role">
                      shared · {p.role === "co_owner" ? "co-owner" : "reviewer"}
                    </span>
                  ) : null}
                </td>
                <td data-label="Type">{p.taskType}</td>
                <td data-label="Reward per label">{p.rewardPerLabel}</td>
                <td data-label="Items">{p.items}</td>
                <td>
                  <StackedProgress
                    done={p.done}
                    inProgress={p.inProgress}
                    open={p.items - p.done - p.inProgress - p.awaitingResponses}
                    awaitingResponses={p.awaitingResponses}
                  />
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
