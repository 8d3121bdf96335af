import { Form } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import type { loadProjectQuality } from "~/utils/consensus.server.ts";
import { AgreementChart, ChartGrid, ConfidenceChart } from "./charts.tsx";
import { Time } from "~/components/time.tsx";

export type ProjectQualityData = Awaited<ReturnType<typeof loadProjectQuality>>;

const pct = (x: number) => `${Math.round(x * 100)}%`;
const fixed = (x: number | null, digits = 2) => (x === null || !Number.isFinite(x) ? "—" : x.toFixed(digits));

/** The consensus job's state, in one live region so each change is announced. */
function JobStatus({ job, lastRunAt }: { job: ProjectQualityData["job"]; lastRunAt: string | null }) {
  return (
    <span role="status" data-testid="consensus-status">
      <JobStatusText job={job} lastRunAt={lastRunAt} />
    </span>
  );
}

function JobStatusText({ job, lastRunAt }: { job: ProjectQualityData["job"]; lastRunAt: string | null }) {
  if (!job)
    return (
      <span className="muted">
        {lastRunAt ? (
          <>
            updated <Time at={lastRunAt} timeOnly />
          </>
        ) : (
          "not run yet"
        )}
      </span>
    );
  if (job.status === "queued" || job.status === "running")
    return (
      <span className="badge">{job.status === "queued" ? "waiting for new answers to settle…" : "computing…"}</span>
    );
  if (job.status === "failed") return <span className="badge paused">failed: {job.error}</span>;
  const skipped = job.result?.status === "skipped" ? ` (skipped: ${String(job.result.reason)})` : "";
  return (
    <span className="muted">
      updated {job.finishedAt ? <Time at={job.finishedAt} timeOnly /> : ""}
      {skipped}
    </span>
  );
}

export function ProjectQuality({
  data,
  threshold,
  pairwise,
}: {
  data: ProjectQualityData;
  threshold: number | null;
  pairwise: boolean;
}) {
  const lowConfidenceCutoff = data.lowConfidenceCutoff;
  const last = data.runs[data.runs.length - 1];
  return (
    <section className="card" aria-labelledby="quality-heading">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id="quality-heading" style={{ margin: 0 }}>
          Consensus and quality
        </h2>
        <div className="row">
          <JobStatus job={data.job} lastRunAt={last?.at ?? null} />
          <Form method="post">
            <AuthenticityTokenInput />
            <button name="intent" value="recompute" className="secondary">
              Recompute now
            </button>
          </Form>
        </div>
      </div>
      {last ? (
        <>
          <p className="small muted">
            {last.method === "crowd-bradley-terry"
              ? "Bradley–Terry with each labeler's reliability and left/right bias"
              : "Dawid–Skene (a confusion matrix per labeler)"}
            , over {last.answers} answers on {last.items} items by {last.labelers} labelers. Krippendorff's α{" "}
            <strong data-testid="alpha">{fixed(last.krippendorffAlpha)}</strong>, Fleiss' κ {fixed(last.fleissKappa)},
            mean confidence {fixed(last.meanConfidence)}.
          </p>
          <ChartGrid>
            <AgreementChart runs={data.runs} />
            <ConfidenceChart bins={last.confidenceBins} />
          </ChartGrid>
        </>
      ) : (
        <p className="muted">
          Consensus appears once items have answers from two or more labelers: then a chart of agreement
          (Krippendorff&apos;s α, Fleiss&apos; κ, mean confidence) per consensus run, one of items by consensus
          confidence, and a score per labeler.
        </p>
      )}

      <Form method="post" className="row inline-form" style={{ marginTop: "1rem" }}>
        <AuthenticityTokenInput />
        <span>
          <strong>{data.lowConfidence}</strong> item{data.lowConfidence === 1 ? "" : "s"} below {lowConfidenceCutoff}{" "}
          confidence.
        </span>
        <label>
          Send items below{" "}
          <input
            name="below"
            type="number"
            min={0.5}
            max={1}
            step={0.05}
            defaultValue={lowConfidenceCutoff}
            style={{ width: "5rem" }}
          />
        </label>
        <label>
          for <input name="extra" type="number" min={1} max={10} defaultValue={2} style={{ width: "4rem" }} /> more
          answers each
        </label>
        <button name="intent" value="raise-k">
          Request more answers
        </button>
      </Form>

      <Form method="post" className="row inline-form" style={{ marginTop: ".5rem" }}>
        <AuthenticityTokenInput />
        <label>
          Pause labelers whose quality falls below{" "}
          <input
            name="threshold"
            type="number"
            min={0}
            max={1}
            step={0.05}
            defaultValue={threshold ?? ""}
            style={{ width: "5rem" }}
          />
        </label>
        <button name="intent" value="threshold" className="secondary">
          Save
        </button>
        <span className="small muted">(empty: never pause; applies after 10 answers)</span>
      </Form>

      <h3>Labelers</h3>
      {data.labelers.length ? (
        <div style={{ overflowX: "auto" }} role="region" aria-label="Labeler quality" tabIndex={0}>
          <table data-testid="quality-table" style={{ minWidth: "40rem" }}>
            <thead>
              <tr>
                <th>Labeler</th>
                <th title="How far the answers can be trusted as evidence, 0 to 1">Quality</th>
                <th title="Share of answers that match the consensus, and what chance alone gives">Agreement</th>
                <th>Gold</th>
                <th>Answers</th>
                <th>Median time</th>
                {pairwise ? <th title="Share of decisive picks that were the left-hand response">Left picks</th> : null}
                <th>Notes</th>
              </tr>
            </thead>
            <tbody>
              {data.labelers.map((l) => (
                <tr key={l.labeler}>
                  <td>Labeler {l.labeler}</td>
                  <td>{l.quality.toFixed(2)}</td>
                  <td>
                    {pct(l.agreement)} <span className="muted small">(chance {pct(l.chance)})</span>
                  </td>
                  <td>{l.goldAnswered ? `${l.goldCorrect}/${l.goldAnswered}` : "—"}</td>
                  <td>{l.answers}</td>
                  <td>{l.medianMs === null ? "—" : `${(l.medianMs / 1000).toFixed(1)} s`}</td>
                  {pairwise ? <td>{l.leftShare === null ? "—" : pct(l.leftShare)}</td> : null}
                  <td>
                    {l.flags.map((f) => (
                      <span key={f} className="badge paused" style={{ marginRight: ".25rem" }}>
                        {f}
                      </span>
                    ))}
                    {l.pausedAt ? (
                      <span className="badge paused" title={l.pausedReason ?? ""}>
                        paused
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No quality scores yet.</p>
      )}
    </section>
  );
}
