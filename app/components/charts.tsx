import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";

const WIDTH = 460;
const HEIGHT = 220;

export interface AgreementPoint {
  at: string;
  krippendorffAlpha: number | null;
  fleissKappa: number | null;
  meanConfidence: number | null;
}

/** Agreement statistics over the project's consensus runs. */
export function AgreementChart({ runs }: { runs: AgreementPoint[] }) {
  const data = runs.map((r) => ({
    ...r,
    when: new Date(r.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
  }));
  return (
    <figure aria-label="Agreement over time" style={{ margin: 0 }}>
      <LineChart width={WIDTH} height={HEIGHT} data={data} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ef" />
        <XAxis dataKey="when" fontSize={11} />
        <YAxis domain={[-0.2, 1]} fontSize={11} />
        <Tooltip formatter={(v) => (typeof v === "number" ? v.toFixed(3) : String(v))} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        <Line
          type="monotone"
          dataKey="krippendorffAlpha"
          name="Krippendorff's α"
          stroke="#3b5bdb"
          dot={false}
          isAnimationActive={false}
        />
        <Line
          type="monotone"
          dataKey="fleissKappa"
          name="Fleiss' κ"
          stroke="#f08c00"
          dot={false}
          isAnimationActive={false}
        />
        <Line
          type="monotone"
          dataKey="meanConfidence"
          name="mean confidence"
          stroke="#2b8a3e"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
      <figcaption className="small muted">Agreement over consensus runs</figcaption>
    </figure>
  );
}

/** How sure the consensus is per item: counts in ten bins of confidence. */
export function ConfidenceChart({ bins }: { bins: number[] }) {
  const data = bins.map((count, i) => ({
    range: `${(i / bins.length).toFixed(1)}–${((i + 1) / bins.length).toFixed(1)}`,
    count,
  }));
  return (
    <figure aria-label="Consensus confidence distribution" style={{ margin: 0 }}>
      <BarChart width={WIDTH} height={HEIGHT} data={data} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ef" />
        <XAxis dataKey="range" fontSize={10} />
        <YAxis allowDecimals={false} fontSize={11} />
        <Tooltip />
        <Bar dataKey="count" name="items" fill="#3b5bdb" isAnimationActive={false} />
      </BarChart>
      <figcaption className="small muted">Items by consensus confidence</figcaption>
    </figure>
  );
}
