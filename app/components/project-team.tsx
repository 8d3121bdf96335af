import { useFetcher } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";

type Role = "co_owner" | "reviewer";
export type TeamData = {
  role: "owner" | "co_owner" | "reviewer" | "admin";
  members: { id: number; name: string; email: string | null; role: Role; allProjects: boolean }[];
  invitations: { id: string; email: string; role: Role; allProjects: boolean; expiresAt: string }[];
};
type TeamResult = { message: string | null; errors: string[] | null; invitationPath?: string };

const ROLE_LABEL: Record<string, string> = {
  owner: "owner",
  co_owner: "co-owner",
  reviewer: "reviewer",
  admin: "admin",
};

/**
 * The project's team: the owner invites by email (a link shown once, to send by hand), withdraws invitations, changes
 * roles and removes members; members see who else is on it and their own role.
 */
export function ProjectTeam({ projectId, data }: { projectId: string; data: TeamData }) {
  const fetcher = useFetcher<TeamResult>();
  const result = fetcher.data;
  // Only a submission from the browser brings a link back, so window is there whenever one is shown.
  const link = result?.invitationPath ? `${window.location.origin}${result.invitationPath}` : null;
  const owner = data.role === "owner";
  const action = `/projects/${projectId}/team`;
  return (
    <section className="card" aria-labelledby="team-heading">
      <h2 id="team-heading" style={{ marginTop: 0 }}>
        Team
      </h2>
      <p className="small muted">
        You are this project&apos;s {ROLE_LABEL[data.role]}. Co-owners do everything but close the project and manage
        the team; reviewers view, review answers and export.
      </p>
      {result?.message ? (
        <p role="status" className="notice success">
          {result.message}
        </p>
      ) : null}
      {result?.errors?.length ? (
        <ul className="errors" role="alert">
          {result.errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
      {owner && link ? (
        <p>
          <label>
            Invitation link (shown once; Pairwise sends no email)
            <input readOnly value={link} onFocus={(e) => e.currentTarget.select()} data-testid="invitation-link" />
          </label>
          <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(link)}>
            Copy link
          </button>
        </p>
      ) : null}
      {data.members.length ? (
        <table>
          <thead>
            <tr>
              <th>Member</th>
              <th>Role</th>
              <th>Scope</th>
              {owner ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {data.members.map((m) => (
              <tr key={m.id}>
                <td>
                  {m.name}
                  {m.email ? <span className="small muted"> {m.email}</span> : null}
                </td>
                <td>
                  {owner ? (
                    <fetcher.Form method="post" action={action} className="row">
                      <AuthenticityTokenInput />
                      <input type="hidden" name="memberId" value={m.id} />
                      <select name="role" defaultValue={m.role} aria-label={`Role of ${m.name}`}>
                        <option value="co_owner">co-owner</option>
                        <option value="reviewer">reviewer</option>
                      </select>
                      <button name="intent" value="role" className="secondary">
                        Change
                      </button>
                    </fetcher.Form>
                  ) : (
                    ROLE_LABEL[m.role]
                  )}
                </td>
                <td>{m.allProjects ? "all projects" : "this project"}</td>
                {owner ? (
                  <td>
                    <fetcher.Form
                      method="post"
                      action={action}
                      onSubmit={(e) => {
                        if (!confirm(`Remove ${m.name} from the team?`)) e.preventDefault();
                      }}
                    >
                      <AuthenticityTokenInput />
                      <input type="hidden" name="memberId" value={m.id} />
                      <button name="intent" value="remove" className="secondary">
                        Remove
                      </button>
                    </fetcher.Form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No members yet.</p>
      )}
      {owner && data.invitations.length ? (
        <>
          <h3>Pending invitations</h3>
          <ul>
            {data.invitations.map((i) => (
              <li key={i.id}>
                <fetcher.Form method="post" action={action} className="row">
                  <AuthenticityTokenInput />
                  <span>
                    {i.email} as {ROLE_LABEL[i.role]}, {i.allProjects ? "all projects" : "this project"}
                  </span>
                  <input type="hidden" name="invitationId" value={i.id} />
                  <button name="intent" value="revoke" className="secondary">
                    Withdraw
                  </button>
                </fetcher.Form>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {owner ? (
        <fetcher.Form method="post" action={action} className="row" style={{ alignItems: "end", flexWrap: "wrap" }}>
          <AuthenticityTokenInput />
          <label>
            Email
            <input type="email" name="email" required maxLength={254} autoComplete="off" />
          </label>
          <label>
            Role
            <select name="role" defaultValue="reviewer">
              <option value="co_owner">co-owner</option>
              <option value="reviewer">reviewer</option>
            </select>
          </label>
          <label>
            Scope
            <select name="scope" defaultValue="project">
              <option value="project">this project</option>
              <option value="all">all my projects</option>
            </select>
          </label>
          <button name="intent" value="invite" disabled={fetcher.state !== "idle"}>
            Invite
          </button>
        </fetcher.Form>
      ) : null}
    </section>
  );
}
