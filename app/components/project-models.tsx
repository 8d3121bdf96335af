import { Form } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import type { loadProjectModels } from "~/utils/project-models.server.ts";
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";

export type ProjectModelsData = Awaited<ReturnType<typeof loadProjectModels>>;
type Curve = NonNullable<NonNullable<ProjectModelsData["models"][number]["progress"]>["curve"]>;

const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);

function TrainingCurves({ curve }: { curve: Curve }) {
  return (
    <figure aria-label="Training curves" style={{ margin: 0 }}>
      <LineChart width={460} height={200} data={curve} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ef" />
        <XAxis dataKey="epoch" fontSize={11} />
        <YAxis yAxisId="loss" fontSize={11} />
        <YAxis yAxisId="acc" orientation="right" domain={[0, 1]} fontSize={11} />
        <Tooltip formatter={(v) => (typeof v === "number" ? v.toFixed(3) : String(v))} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Line yAxisId="loss" dataKey="loss" name="train loss" stroke="#3b5bdb" dot={false} isAnimationActive={false} />
        <Line
          yAxisId="loss"
          dataKey="valLoss"
          name="held-out loss"
          stroke="#f08c00"
          dot={false}
          isAnimationActive={false}
        />
        <Line
          yAxisId="acc"
          dataKey="valAccuracy"
          name="held-out accuracy"
          stroke="#2b8a3e"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
      <figcaption className="small muted">Loss and held-out accuracy per epoch</figcaption>
    </figure>
  );
}

export function ProjectModels({ data, pairwise }: { data: ProjectModelsData; pairwise: boolean }) {
  if (!pairwise) return null;
  const active = data.models.find((m) => m.status === "queued" || m.status === "training");
  const shown = active ?? data.models.find((m) => m.status === "ready");
  return (
    <section className="card" aria-labelledby="models-heading">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id="models-heading" style={{ margin: 0 }}>
          Reward models
        </h2>
        <Form method="post">
          <AuthenticityTokenInput />
          <button name="intent" value="train" disabled={Boolean(active)}>
            Train a reward model
          </button>
        </Form>
      </div>
      <p className="small muted">
        Trained on this project's consensus preferences (each weighted by its confidence), with a held-out split. A
        published version serves the premium API and puts the items it is least sure about first in the labeling queue.
      </p>
      {active ? (
        <p role="status" data-testid="training-status">
          Version {active.version}:{" "}
          {active.status === "queued"
            ? "waiting to start…"
            : `epoch ${active.progress?.epoch ?? 0} of ${active.progress?.epochs ?? "?"}`}{" "}
          {active.progress?.steps ? <progress max={active.progress.steps} value={active.progress.step ?? 0} /> : null}
        </p>
      ) : null}
      <div className="row" style={{ alignItems: "flex-start", flexWrap: "wrap" }}>
        {shown?.progress?.curve?.length ? <TrainingCurves curve={shown.progress.curve} /> : null}
        {data.agreement.length ? (
          <figure aria-label="Model and consensus agreement" style={{ margin: 0 }}>
            <LineChart
              width={460}
              height={200}
              data={data.agreement.map((a) => ({ ...a, when: new Date(a.at).toLocaleTimeString() }))}
              margin={{ top: 8, right: 16, bottom: 0, left: -16 }}
            >
              <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ef" />
              <XAxis dataKey="when" fontSize={11} />
              <YAxis domain={[0, 1]} fontSize={11} />
              <Tooltip />
              <Line
                dataKey="agreement"
                name="model agrees with consensus"
                stroke="#2b8a3e"
                dot={false}
                isAnimationActive={false}
              />
            </LineChart>
            <figcaption className="small muted">Published model vs consensus over time</figcaption>
          </figure>
        ) : null}
      </div>
      {data.models.length ? (
        <table data-testid="models">
          <thead>
            <tr>
              <th>Version</th>
              <th>Status</th>
              <th>Pairs</th>
              <th>Held-out accuracy</th>
              <th>Longer-wins baseline</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.models.map((m) => (
              <tr key={m.id}>
                <td>
                  v{m.version} {m.published ? <span className="badge">published</span> : null}
                </td>
                <td>
                  {m.status}
                  {m.error ? <span className="small muted"> — {m.error}</span> : null}
                </td>
                <td>{m.pairs ?? "—"}</td>
                <td>{pct(m.heldOutAccuracy)}</td>
                <td>{pct(m.lengthBaseline)}</td>
                <td className="row">
                  {m.status === "ready" && !m.published ? (
                    <Form method="post">
                      <AuthenticityTokenInput />
                      <input type="hidden" name="modelId" value={m.id} />
                      <button name="intent" value="publish" className="secondary">
                        Publish
                      </button>
                    </Form>
                  ) : null}
                  {m.status === "ready" ? (
                    <>
                      <a href={`models/${m.id}/model.onnx`} download>
                        model.onnx
                      </a>
                      <a href={`models/${m.id}/metadata.json`} download>
                        metadata.json
                      </a>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No models yet.</p>
      )}
    </section>
  );
}
