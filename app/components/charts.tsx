import type { ReactNode } from "react";
import { useId } from "react";
import { Bar, BarChart, CartesianGrid, LabelList, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";

export const CHART_HEIGHT = 280;
/** Series colours with at least 3:1 contrast on white; legends, ticks and labels use the page's text colours. */
export const SERIES = { blue: "#3856d8", orange: "#b35900", green: "#2b7a3e" } as const;
export const TEXT = "#1d2330";
export const TICK = { fontSize: 12, fill: "#4a5163" };
export const GRID = "#e3e7ef";
export const CHART_STYLE = { width: "100%", height: CHART_HEIGHT };
export const LEGEND_STYLE = { paddingBottom: 8 };

export const legendText = (value: string) => <span style={{ color: TEXT }}>{value}</span>;

export function xAxisTitle(value: string) {
  return { value, position: "insideBottom" as const, offset: -12, fill: TEXT, fontSize: 12 };
}

export function yAxisTitle(value: string) {
  return {
    value,
    angle: -90,
    position: "insideLeft" as const,
    style: { textAnchor: "middle" as const },
    fill: TEXT,
    fontSize: 12,
  };
}

/** A reference line's label, inside the plot. */
export function referenceLabel(value: string, position: "insideTopRight" | "insideBottomRight" | "insideTopLeft") {
  return { value, position, fill: TEXT, fontSize: 12 };
}

export function runTime(at: string) {
  return new Date(at).toLocaleString([], { dateStyle: "medium", timeStyle: "medium" });
}

/** Charts side by side where there is room, one under the other on a phone. */
export function ChartGrid({ children }: { children: ReactNode }) {
  return (
    <div
      style={{
        display: "grid",
        gap: "1.5rem",
        gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 26rem), 1fr))",
        margin: "1rem 0",
      }}
    >
      {children}
    </div>
  );
}

/** A titled chart; `summary` says in words what it shows, or what will appear while there is nothing to draw. */
export function ChartFrame({ title, summary, children }: { title: string; summary: ReactNode; children?: ReactNode }) {
  const id = useId();
  return (
    <figure aria-labelledby={id} style={{ margin: 0, minWidth: 0 }}>
      <h3 id={id} style={{ margin: "0 0 .5rem", fontSize: "1rem" }}>
        {title}
      </h3>
      {children}
      <figcaption className="small muted" style={{ marginTop: ".25rem" }}>
        {summary}
      </figcaption>
    </figure>
  );
}

/** A full-width line chart with its title, summary in words and grid; the axes and lines are its children. */
export function FramedLineChart<T>({
  title,
  summary,
  data,
  children,
}: {
  title: string;
  summary: ReactNode;
  data: T[];
  children: ReactNode;
}) {
  return (
    <ChartFrame title={title} summary={summary}>
      <LineChart
        title={title}
        responsive
        style={CHART_STYLE}
        data={data}
        margin={{ top: 8, right: 16, bottom: 20, left: 8 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke={GRID} />
        {children}
      </LineChart>
    </ChartFrame>
  );
}

export interface AgreementPoint {
  at: string;
  krippendorffAlpha: number | null;
  fleissKappa: number | null;
  meanConfidence: number | null;
}

const finite = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);
const fixed = (x: number | null) => (x === null ? "undefined" : x.toFixed(2));

const AGREEMENT_SERIES = [
  { key: "alpha", name: "Krippendorff's α", stroke: SERIES.blue, dash: undefined },
  { key: "kappa", name: "Fleiss' κ", stroke: SERIES.orange, dash: "6 4" },
  { key: "confidence", name: "mean confidence", stroke: SERIES.green, dash: undefined },
] as const;

/** Agreement statistics over the project's consensus runs, numbered oldest first (the tooltip tells each run's time). */
export function AgreementChart({ runs }: { runs: AgreementPoint[] }) {
  const data = runs.map((r, i) => ({
    run: i + 1,
    at: r.at,
    alpha: finite(r.krippendorffAlpha),
    kappa: finite(r.fleissKappa),
    confidence: finite(r.meanConfidence),
  }));
  const last = data[data.length - 1];
  // A statistic undefined in every run gets no line and no legend entry; the summary says why.
  const drawn = AGREEMENT_SERIES.filter((series) => data.some((d) => d[series.key] !== null));
  const latest = last
    ? `Latest of ${data.length} run${data.length === 1 ? "" : "s"}: Krippendorff's α ${fixed(last.alpha)}, Fleiss' κ ${fixed(last.kappa)}, mean confidence ${fixed(last.confidence)}.`
    : "";
  const meaning =
    last && (last.alpha === null || last.kappa === null)
      ? "α and κ are undefined while all the answers agree on one choice: there is no disagreement to measure yet."
      : "α and κ: 1 is perfect agreement, 0 what chance gives, below 0 systematic disagreement.";
  if (data.length < 2)
    return (
      <ChartFrame
        title="Agreement over time"
        summary={`${latest} ${meaning} From the second consensus run on, a line per statistic shows how agreement develops.`}
      />
    );
  const lowest = Math.min(0, ...data.flatMap((d) => [d.alpha, d.kappa].filter((x): x is number => x !== null)));
  const bottom = Math.floor(lowest * 5) / 5;
  const ticks = Array.from(
    { length: Math.round((1 - bottom) * 5) + 1 },
    (_, i) => Math.round((bottom + i * 0.2) * 10) / 10,
  );
  return (
    <FramedLineChart title="Agreement over time" summary={`${latest} ${meaning}`} data={data}>
      <XAxis dataKey="run" tick={TICK} label={xAxisTitle("Consensus run (1 = first)")} />
      <YAxis
        domain={[bottom, 1]}
        ticks={ticks}
        tick={TICK}
        width={56}
        label={yAxisTitle("Agreement, confidence (0–1)")}
      />
      <Tooltip
        labelFormatter={(run) => {
          const point = data[Number(run) - 1];
          return point ? `Run ${String(run)}, ${runTime(point.at)}` : `Run ${String(run)}`;
        }}
        formatter={(v) => (typeof v === "number" ? v.toFixed(3) : "undefined")}
      />
      <Legend verticalAlign="top" itemSorter={null} formatter={legendText} wrapperStyle={LEGEND_STYLE} />
      {drawn.map((series) => (
        <Line
          key={series.key}
          dataKey={series.key}
          name={series.name}
          stroke={series.stroke}
          strokeWidth={2}
          strokeDasharray={series.dash}
          dot={{ r: 3 }}
          connectNulls
          isAnimationActive={false}
        />
      ))}
    </FramedLineChart>
  );
}

/** How sure the consensus is per item: counts in equal bins of confidence, one labelled row per bin, surest on top. */
export function ConfidenceChart({ bins }: { bins: number[] }) {
  const data = bins
    .map((count, i) => ({
      range: `${Math.round((i / bins.length) * 100)}–${Math.round(((i + 1) / bins.length) * 100)}%`,
      count,
    }))
    .reverse();
  const total = bins.reduce((a, b) => a + b, 0);
  if (total === 0)
    return (
      <ChartFrame
        title="Consensus confidence distribution"
        summary="After a consensus run with answers, a bar per confidence range counts the items whose consensus is that sure."
      />
    );
  const sure = bins.slice(Math.ceil(bins.length * 0.9)).reduce((a, b) => a + b, 0);
  return (
    <ChartFrame
      title="Consensus confidence distribution"
      summary={`${total} item${total === 1 ? "" : "s"} with a consensus, ${sure} of them at least 90% sure (confidence: how probable the consensus model finds its answer).`}
    >
      <BarChart
        title="Consensus confidence distribution"
        responsive
        layout="vertical"
        style={CHART_STYLE}
        data={data}
        margin={{ top: 8, right: 36, bottom: 20, left: 8 }}
      >
        <CartesianGrid strokeDasharray="3 3" stroke={GRID} horizontal={false} />
        <XAxis type="number" allowDecimals={false} tick={TICK} label={xAxisTitle("Items")} />
        <YAxis
          type="category"
          dataKey="range"
          interval={0}
          tick={TICK}
          width={96}
          label={yAxisTitle("Consensus confidence")}
        />
        <Tooltip formatter={(v) => [`${String(v)} items`, "count"]} />
        <Bar dataKey="count" name="items" fill={SERIES.blue} isAnimationActive={false}>
          <LabelList dataKey="count" position="right" fill={TEXT} fontSize={12} />
        </Bar>
      </BarChart>
    </ChartFrame>
  );
}
