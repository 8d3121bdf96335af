import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatAmount, type TokenDisplay } from "~/utils/tokens.ts";

/** The labeler's payouts per day, oldest first; bar heights in tokens, tooltips exact. */
export function PayoutsChart({
  payouts,
  token,
}: {
  payouts: Array<{ epochId: string; amount: string }>;
  token: TokenDisplay;
}) {
  const scale = 10 ** token.decimals;
  // Bar heights only: the amounts people read stay exact strings.
  const data = [...payouts]
    .reverse()
    .map((p) => ({ day: p.epochId, tokens: Number(p.amount) / scale, exact: p.amount }));
  return (
    <figure style={{ margin: "0 0 1rem" }} aria-labelledby="payouts-chart-title">
      <figcaption id="payouts-chart-title" style={{ fontWeight: 600 }}>
        Paid per day ({token.symbol})
      </figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data} margin={{ top: 12, right: 16, bottom: 28, left: 12 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e7ef" />
          <XAxis
            dataKey="day"
            fontSize={12}
            label={{ value: "Day (UTC)", position: "insideBottom", offset: -16, fontSize: 12 }}
          />
          <YAxis
            fontSize={12}
            allowDecimals
            label={{ value: token.symbol, angle: -90, position: "insideLeft", fontSize: 12 }}
          />
          <Tooltip formatter={(_value, _name, item) => [formatAmount(item.payload.exact, token), "paid"]} />
          <Bar dataKey="tokens" name="paid" fill="#2b8a3e" maxBarSize={56} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
