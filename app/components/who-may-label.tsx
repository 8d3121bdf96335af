import { Link, useFetcher } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";

export interface WhoMayLabelData {
  tests: { id: string; title: string; items: number }[];
  required: string[];
  minPriorQuality: number | null;
  visibility: "public" | "private";
  labelers: string[];
}

/**
 * The dashboard card that sets who may label: public or private (invited labelers by email, or holders of a required
 * test), the tests a project requires and the minimum quality on the owner's other projects.
 */
export function WhoMayLabel({ projectId, data }: { projectId: string; data: WhoMayLabelData }) {
  const fetcher = useFetcher<{ message?: string; error?: string }>();
  const busy = fetcher.state !== "idle";
  return (
    <section className="card" aria-labelledby="who-may-label">
      <h2 id="who-may-label" style={{ marginTop: 0 }}>
        Who may label
      </h2>
      <fetcher.Form method="post" action={`/projects/${projectId}/qualifications`} className="stack">
        <AuthenticityTokenInput />
        {data.tests.length ? (
          <fieldset>
            <legend>Required qualification tests (a labeler needs a valid pass of each)</legend>
            {data.tests.map((t) => (
              <label key={t.id} className="check">
                <input type="checkbox" name="tests" value={t.id} defaultChecked={data.required.includes(t.id)} />{" "}
                {t.title} <span className="muted small">({t.items} items)</span>
              </label>
            ))}
          </fieldset>
        ) : (
          <p className="muted">
            You have no qualification tests. <Link to="/tests">Create one</Link> to admit only labelers who pass it.
          </p>
        )}
        <fieldset className="radio-fieldset">
          <legend>Who sees the project</legend>
          <label className="check">
            <input type="radio" name="visibility" value="public" defaultChecked={data.visibility === "public"} />
            Public: any labeler (within the tests and minimum below)
          </label>
          <label className="check">
            <input type="radio" name="visibility" value="private" defaultChecked={data.visibility === "private"} />
            Private: only the labelers invited below, or who hold a pass of one of the required tests
          </label>
        </fieldset>
        <label>
          Invited labelers (private projects): one email per line; they may sign up later
          <textarea name="labelers" rows={3} defaultValue={data.labelers.join("\n")} />
        </label>
        <label>
          Minimum quality on your other projects (0–1; empty: none). Labelers without a score there are not admitted.
          <input
            name="minPriorQuality"
            type="number"
            min="0"
            max="1"
            step="0.01"
            defaultValue={data.minPriorQuality ?? ""}
          />
        </label>
        <p role="status" className={fetcher.data?.error ? "field-error" : "muted small"}>
          {fetcher.data?.error ?? fetcher.data?.message ?? ""}
        </p>
        <button type="submit" disabled={busy}>
          Save who may label
        </button>
      </fetcher.Form>
    </section>
  );
}
