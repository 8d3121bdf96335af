import { Form } from "@remix-run/react";
import { useState } from "react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { Legend, Line, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { loadProjectModels } from "~/utils/project-models.server.ts";
import type { TrainingReadiness } from "../../jobs/model-readiness.ts";
import {
  ChartFrame,
  ChartGrid,
  FramedLineChart,
  LEGEND_STYLE,
  legendText,
  referenceLabel,
  runTime,
  SERIES,
  TICK,
  xAxisTitle,
  yAxisTitle,
} from "./charts.tsx";

export type ProjectModelsData = Awaited<ReturnType<typeof loadProjectModels>>;
type Model = ProjectModelsData["models"][number];
type Curve = NonNullable<NonNullable<Model["progress"]>["curve"]>;

const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const points = (x: number) => `${Math.abs(x * 100).toFixed(1)} points`;

function TrainingLoss({ model, curve }: { model: Model; curve: Curve }) {
  const title = `Training loss, version ${model.version}`;
  return (
    <FramedLineChart
      title={title}
      summary="Bradley–Terry loss per epoch on the training pairs and on the held-out pairs (lower is better). The version keeps the weights of the epoch with the lowest held-out loss."
      data={curve}
    >
      <XAxis dataKey="epoch" tick={TICK} label={xAxisTitle("Epoch")} />
      <YAxis tick={TICK} width={56} label={yAxisTitle("Loss")} tickFormatter={(v: number) => v.toFixed(2)} />
      <Tooltip
        labelFormatter={(epoch) => `Epoch ${String(epoch)}`}
        formatter={(v) => (typeof v === "number" ? v.toFixed(3) : "—")}
      />
      <Legend verticalAlign="top" itemSorter={null} formatter={legendText} wrapperStyle={LEGEND_STYLE} />
      {model.bestEpoch ? (
        <ReferenceLine
          x={model.bestEpoch}
          stroke="#5c6478"
          strokeDasharray="2 3"
          label={referenceLabel("kept", "insideTopRight")}
        />
      ) : null}
      <Line
        dataKey="loss"
        name="training loss"
        stroke={SERIES.blue}
        strokeWidth={2}
        dot={{ r: 2 }}
        isAnimationActive={false}
      />
      <Line
        dataKey="valLoss"
        name="held-out loss"
        stroke={SERIES.orange}
        strokeWidth={2}
        strokeDasharray="6 4"
        dot={{ r: 2 }}
        connectNulls
        isAnimationActive={false}
      />
    </FramedLineChart>
  );
}

function HeldOutAccuracy({ model, curve }: { model: Model; curve: Curve }) {
  const data = curve.map((c) => ({ epoch: c.epoch, accuracy: c.valAccuracy === null ? null : c.valAccuracy * 100 }));
  const verdict =
    model.heldOutAccuracy === null
      ? ""
      : ` The kept epoch ranks ${pct(model.heldOutAccuracy)} of held-out pairs like the consensus` +
        (model.lengthBaseline === null ? "." : `; "the longer response wins" ranks ${pct(model.lengthBaseline)}.`);
  const title = `Held-out accuracy, version ${model.version}`;
  return (
    <FramedLineChart
      title={title}
      summary={`Share of held-out pairs (never trained on) that the model orders like the consensus, per epoch.${verdict}`}
      data={data}
    >
      <XAxis dataKey="epoch" tick={TICK} label={xAxisTitle("Epoch")} />
      <YAxis domain={[0, 100]} unit="%" tick={TICK} width={56} label={yAxisTitle("Held-out accuracy")} />
      <Tooltip
        labelFormatter={(epoch) => `Epoch ${String(epoch)}`}
        formatter={(v) => (typeof v === "number" ? `${v.toFixed(1)}%` : "—")}
      />
      <Legend verticalAlign="top" itemSorter={null} formatter={legendText} wrapperStyle={LEGEND_STYLE} />
      {model.lengthBaseline !== null ? (
        <ReferenceLine
          y={model.lengthBaseline * 100}
          stroke="#5c6478"
          strokeDasharray="4 4"
          label={referenceLabel(`longer response wins: ${pct(model.lengthBaseline)}`, "insideBottomRight")}
        />
      ) : null}
      {model.bestEpoch ? (
        <ReferenceLine
          x={model.bestEpoch}
          stroke="#5c6478"
          strokeDasharray="2 3"
          label={referenceLabel(`kept: ${pct(model.heldOutAccuracy)}`, "insideTopRight")}
        />
      ) : null}
      <Line
        dataKey="accuracy"
        name="held-out accuracy"
        stroke={SERIES.green}
        strokeWidth={2}
        dot={{ r: 2 }}
        connectNulls
        isAnimationActive={false}
      />
    </FramedLineChart>
  );
}

function ModelAgreement({ agreement, published }: { agreement: ProjectModelsData["agreement"]; published?: Model }) {
  const title = "Published model vs consensus";
  if (!published)
    return (
      <ChartFrame
        title={title}
        summary="Once a version is published, each consensus run adds a point here: the share of decided items the model orders like the consensus."
      />
    );
  if (agreement.length < 2)
    return (
      <ChartFrame
        title={title}
        summary={
          agreement.length
            ? `Version ${published.version} orders ${pct(agreement[0].agreement)} of ${agreement[0].items} decided items like the consensus. The line starts with the next consensus run.`
            : `Version ${published.version} is compared with the consensus after the next consensus run.`
        }
      />
    );
  const data = agreement.map((a, i) => ({ run: i + 1, at: a.at, agreement: a.agreement * 100, items: a.items }));
  const last = agreement[agreement.length - 1];
  return (
    <FramedLineChart
      title={title}
      summary={`Share of decided items that version ${published.version} orders like the consensus, at each consensus run since it was published; latest ${pct(last.agreement)} of ${last.items}.`}
      data={data}
    >
      <XAxis dataKey="run" tick={TICK} label={xAxisTitle("Consensus run since publishing")} />
      <YAxis domain={[0, 100]} unit="%" tick={TICK} width={56} label={yAxisTitle("Agrees with consensus")} />
      <Tooltip
        labelFormatter={(run) => {
          const point = data[Number(run) - 1];
          return point ? `Run ${String(run)}, ${runTime(point.at)}, ${point.items} items` : `Run ${String(run)}`;
        }}
        formatter={(v) => (typeof v === "number" ? `${v.toFixed(1)}%` : "—")}
      />
      <Line
        dataKey="agreement"
        name="model agrees with consensus"
        stroke={SERIES.green}
        strokeWidth={2}
        dot={{ r: 3 }}
        isAnimationActive={false}
      />
    </FramedLineChart>
  );
}

function BaselineComparison({ model }: { model: Model }) {
  if (model.heldOutAccuracy === null || model.lengthBaseline === null) return <>—</>;
  const gap = model.heldOutAccuracy - model.lengthBaseline;
  if (gap < 0) return <span className="badge paused">{points(gap)} below</span>;
  return <span>{gap === 0 ? "level" : `${points(gap)} above`}</span>;
}

function PublishForm({
  model,
  confirm,
  label,
  className,
}: {
  model: Model;
  confirm: boolean;
  label: string;
  className: string;
}) {
  return (
    <Form method="post">
      <AuthenticityTokenInput />
      <input type="hidden" name="modelId" value={model.id} />
      {confirm ? <input type="hidden" name="confirm" value="weak" /> : null}
      <button name="intent" value="publish" className={className}>
        {label}
      </button>
    </Form>
  );
}

function ModelRow({
  model,
  projectId,
  confirming,
  onPublishWeak,
}: {
  model: Model;
  projectId: string;
  confirming: boolean;
  onPublishWeak: () => void;
}) {
  const publishable = model.status === "ready" && !model.published;
  return (
    <tr>
      <td>
        v{model.version} {model.published ? <span className="badge">published</span> : null}
      </td>
      <td>
        {model.status}
        {model.error ? <span className="small muted"> — {model.error}</span> : null}
      </td>
      <td>{model.pairs ?? "—"}</td>
      <td>{pct(model.heldOutAccuracy)}</td>
      <td>{pct(model.lengthBaseline)}</td>
      <td>
        <BaselineComparison model={model} />
      </td>
      <td>
        <div className="row" style={{ flexWrap: "nowrap" }}>
          {publishable && !model.weak ? (
            <PublishForm model={model} confirm={false} label={`Publish v${model.version}`} className="secondary" />
          ) : null}
          {publishable && model.weak ? (
            <button
              type="button"
              className="secondary"
              aria-expanded={confirming}
              aria-controls="publish-weak"
              onClick={onPublishWeak}
            >
              Publish v{model.version}…
            </button>
          ) : null}
          {model.status === "ready" ? (
            <>
              <a href={`/projects/${projectId}/models/${model.id}/model.onnx`} download>
                model.onnx
              </a>
              <a href={`/projects/${projectId}/models/${model.id}/metadata.json`} download>
                metadata.json
              </a>
            </>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

/** Publishing a version that does no better than the length baseline (or was never measured) asks first. */
function PublishWeak({ model, onCancel }: { model: Model; onCancel: () => void }) {
  return (
    <div id="publish-weak" className="card error" style={{ margin: "1rem 0 0" }} data-testid="publish-weak">
      <p style={{ marginTop: 0 }}>
        {model.heldOutAccuracy === null
          ? `Version ${model.version} has no held-out accuracy, so nobody knows how well it judges.`
          : `Version ${model.version} ranks ${pct(model.heldOutAccuracy)} of held-out pairs like the consensus; simply picking the longer response ranks ${pct(model.lengthBaseline)}.`}{" "}
        Published, it answers premium calls and decides which of your items labelers see first. More decided items
        usually make a better version.
      </p>
      <div className="row">
        <PublishForm model={model} confirm label={`Publish v${model.version} anyway`} className="danger" />
        <button type="button" className="secondary" onClick={onCancel}>
          Keep it unpublished
        </button>
      </div>
    </div>
  );
}

export function ProjectModels({
  projectId,
  data,
  pairwise,
  readiness,
}: {
  projectId: string;
  data: ProjectModelsData;
  pairwise: boolean;
  readiness: TrainingReadiness;
}) {
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  if (!pairwise) return null;
  const active = data.models.find((m) => m.status === "queued" || m.status === "training");
  const shown = active ?? data.models.find((m) => m.status === "ready");
  const published = data.models.find((m) => m.published);
  const curve = shown?.progress?.curve ?? [];
  const confirming = data.models.find((m) => m.id === confirmingId && m.weak && !m.published);
  const tooFew = readiness.pairs < readiness.minimum;
  const trainBlocked = active
    ? `Version ${active.version} is ${active.status === "queued" ? "waiting to start" : "training"}.`
    : tooFew
      ? `Training needs at least ${readiness.minimum} items with a consensus preference; ${readiness.pairs} so far.`
      : null;
  return (
    <section className="card" aria-labelledby="models-heading">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id="models-heading" style={{ margin: 0 }}>
          Reward models
        </h2>
        <Form method="post" className="row">
          <AuthenticityTokenInput />
          {trainBlocked ? (
            <span id="train-blocked" className="small muted" data-testid="train-blocked">
              {trainBlocked}
            </span>
          ) : null}
          <button
            name="intent"
            value="train"
            disabled={Boolean(trainBlocked)}
            aria-describedby={trainBlocked ? "train-blocked" : undefined}
          >
            Train a reward model
          </button>
        </Form>
      </div>
      <p className="small muted">
        Trained on this project&apos;s consensus preferences ({readiness.pairs} decided item
        {readiness.pairs === 1 ? "" : "s"} so far, each weighted by its confidence), with a held-out split to measure
        it. A published version serves the premium API and puts the items it is least sure about first in the labeling
        queue.
      </p>
      {active ? (
        <p role="status" data-testid="training-status">
          Version {active.version}:{" "}
          {active.status === "queued"
            ? "waiting to start…"
            : `epoch ${active.progress?.epoch ?? 0} of ${active.progress?.epochs ?? "?"}`}{" "}
          {active.progress?.steps ? (
            <progress
              max={active.progress.steps}
              value={active.progress.step ?? 0}
              aria-label={`training version ${active.version}`}
            />
          ) : null}
        </p>
      ) : null}
      <ChartGrid>
        {shown && curve.length ? (
          <>
            <TrainingLoss model={shown} curve={curve} />
            <HeldOutAccuracy model={shown} curve={curve} />
          </>
        ) : (
          <ChartFrame
            title="Training"
            summary="While a version trains, its loss and held-out accuracy per epoch are drawn here, with the length baseline to beat."
          />
        )}
        <ModelAgreement agreement={data.agreement} published={published} />
      </ChartGrid>
      {data.models.length ? (
        <div style={{ overflowX: "auto" }} role="region" aria-label="Model versions" tabIndex={0}>
          <table data-testid="models" style={{ minWidth: "44rem" }}>
            <thead>
              <tr>
                <th>Version</th>
                <th>Status</th>
                <th>Pairs</th>
                <th>Held-out accuracy</th>
                <th>&quot;Longer response wins&quot;</th>
                <th>Compared</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.models.map((m) => (
                <ModelRow
                  key={m.id}
                  model={m}
                  projectId={projectId}
                  confirming={m.id === confirming?.id}
                  onPublishWeak={() => setConfirmingId(m.id === confirmingId ? null : m.id)}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No versions yet.</p>
      )}
      {confirming ? <PublishWeak model={confirming} onCancel={() => setConfirmingId(null)} /> : null}
    </section>
  );
}
