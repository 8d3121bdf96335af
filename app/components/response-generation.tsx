import { Form } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { ProgressBar } from "~/components/progress-bar.tsx";
import type { loadGenerations } from "~/utils/generation.server.ts";
import { Time } from "~/components/time.tsx";

export type ResponseGenerationData = Awaited<ReturnType<typeof loadGenerations>>;
type GenerationRow = ResponseGenerationData["generations"][number];

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

function Progress({ g }: { g: GenerationRow }) {
  const handled = g.itemsDone + g.itemsFailed;
  const failed = g.itemsFailed ? `, ${g.itemsFailed} failed` : "";
  return <ProgressBar value={handled} max={g.itemsTotal} label={`${g.itemsDone} of ${g.itemsTotal} items${failed}`} />;
}

function Failures({ g }: { g: GenerationRow }) {
  if (!g.errors.length) return null;
  return (
    <details>
      <summary>{plural(g.itemsFailed, "item")} failed (they keep waiting: generate again to retry them)</summary>
      <ul className="small" data-testid="generation-errors">
        {g.errors.map((e) => (
          <li key={e.item}>
            <code>{e.item}</code>: {e.message} <span className="muted">({plural(e.attempts, "attempt")})</span>
          </li>
        ))}
      </ul>
      {g.itemsFailed > g.errors.length ? (
        <p className="small muted">…and {g.itemsFailed - g.errors.length} more.</p>
      ) : null}
    </details>
  );
}

/**
 * The dashboard panel of a form project whose items wait for responses from the upstream LLM; `data` comes with the
 * dashboard's live status, so progress moves without reloading the page.
 */
export function ResponseGeneration({ data }: { data: ResponseGenerationData }) {
  const active = data.generations.find((g) => g.status === "queued" || g.status === "running");
  const allowed = data.responses;
  const fixedN = allowed && allowed.min === allowed.max;
  const canStart = Boolean(data.upstream && allowed && data.awaitingItems > 0 && !active);
  return (
    <section className="card" aria-labelledby="generation-heading">
      <h2 id="generation-heading" style={{ marginTop: 0 }}>
        Generate responses
      </h2>
      <p className="small muted">
        <strong data-testid="awaiting-items">{plural(data.awaitingItems, "item")}</strong> waiting for responses. Each
        gets n responses from the upstream LLM, the models taking turns; labelers see an item once it has them, and
        exports name the model that wrote each response.
      </p>
      {data.upstream ? (
        <Form method="post" className="row inline-form">
          <AuthenticityTokenInput />
          <label>
            Models{" "}
            <input
              name="models"
              defaultValue={data.upstream.defaultModel}
              placeholder="model names, comma-separated"
              style={{ width: "16rem" }}
              required
            />
          </label>
          <label>
            n{" "}
            <input
              name="n"
              type="number"
              min={allowed?.min ?? 1}
              max={allowed?.max ?? 9}
              defaultValue={allowed?.min === 1 ? 1 : 2}
              readOnly={Boolean(fixedN)}
              style={{ width: "4rem" }}
              required
            />
          </label>
          <label>
            temperature{" "}
            <input
              name="temperature"
              type="number"
              min={0}
              max={2}
              step={0.1}
              defaultValue={1}
              style={{ width: "5rem" }}
            />
          </label>
          <button name="intent" value="generate" disabled={!canStart}>
            Generate responses
          </button>
        </Form>
      ) : (
        <p className="muted">
          No upstream LLM is configured on this server (LLM_UPSTREAM_URL), so responses cannot be generated here.
        </p>
      )}
      {data.generations.length ? (
        <table data-testid="generations" style={{ marginTop: "1rem" }}>
          <thead>
            <tr>
              <th>Started</th>
              <th>Models</th>
              <th>n</th>
              <th>Temperature</th>
              <th>Status</th>
              <th>Progress</th>
            </tr>
          </thead>
          <tbody>
            {data.generations.map((g) => (
              <tr key={g.id}>
                <td>
                  <Time at={g.createdAt} />
                </td>
                <td>{g.models.join(", ")}</td>
                <td>{g.n}</td>
                <td>{g.temperature}</td>
                <td>
                  {g.status}
                  {g.error ? <span className="small muted"> — {g.error}</span> : null}
                </td>
                <td style={{ minWidth: "14rem" }}>
                  <Progress g={g} />
                  <Failures g={g} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
