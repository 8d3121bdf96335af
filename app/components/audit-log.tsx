import { Time } from "~/components/time.tsx";

export type AuditEntry = {
  id: number;
  actor: string;
  what: string;
  details: string;
  allProjects: boolean;
  at: string;
};

/** The audit log's rows: who, what (with small details), when. */
export function AuditLogTable({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) return <p className="muted">Nothing recorded yet.</p>;
  return (
    <table data-testid="audit-log">
      <thead>
        <tr>
          <th>Who</th>
          <th>What</th>
          <th>When</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id}>
            <td>{e.actor}</td>
            <td>
              {e.what}
              {e.allProjects ? " (all projects)" : ""}
              {e.details ? <span className="small muted"> · {e.details}</span> : null}
            </td>
            <td>
              <Time at={e.at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
