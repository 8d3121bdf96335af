import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AuditLogTable } from "~/components/audit-log.tsx";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { requireProjectAccess } from "~/utils/projects.server.ts";
import { AuditLogQuerySchema } from "~/utils/schemas.ts";
import { requireUser } from "~/utils/session.server.ts";
import { loadAuditLog } from "~/utils/team.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Audit log · ${data?.project.title ?? "Project"} · Pairwise` },
];

/** The whole audit log of a project, 50 entries a page, latest first. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, ["requester"]);
  const access = await requireProjectAccess(user, params.projectId, "view");
  const parsed = AuditLogQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new Response(parsed.error.issues[0].message, { status: 400 });
  const entries = await loadAuditLog(access, parsed.data);
  const next = entries.length === parsed.data.limit ? entries[entries.length - 1].id : null;
  return { project: { id: access.project.id, title: access.project.title }, entries, next };
}

export default function AuditLogPage() {
  const { project, entries, next } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to={`/projects/${project.id}`}>← {project.title}</Link>
      </p>
      <h1>Audit log</h1>
      <section className="card">
        <AuditLogTable entries={entries} />
        {next ? (
          <p>
            <Link to={`?before=${next}`}>Older entries</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
