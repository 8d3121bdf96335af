import { Link } from "@remix-run/react";
import type { EarningsData } from "~/utils/earnings.ts";
import { formatAmount } from "~/utils/tokens.ts";
import "./wallet.css";

/**
 * The Wallet's earnings as they stand, per project and in total, kept apart as MTurk's dashboard does: estimated
 * (answers no payout has planned yet: awaiting review, or approved and waiting for the next payout), pending
 * payment, awaiting a wallet, and paid; rejected answers apart, earning nothing.
 */
export function EarningsTable({ earnings }: { earnings: EarningsData }) {
  const fmt = (amount: string) => formatAmount(amount, earnings.token);
  const { totals, projects } = earnings;
  const count = (key: "awaitingReviewLabels" | "approvedLabels" | "rejectedLabels" | "rejectedOpenLabels") =>
    projects.reduce((n, p) => n + p[key], 0);
  const [awaitingReview, approved, rejected, rejectedOpen] = [
    count("awaitingReviewLabels"),
    count("approvedLabels"),
    count("rejectedLabels"),
    count("rejectedOpenLabels"),
  ];
  const stats = [
    { id: "estimate", value: `≈ ${fmt(totals.estimate)}`, label: "estimated, not planned yet" },
    {
      id: "awaiting-review",
      value: `≈ ${fmt(totals.awaitingReview)}`,
      label: `awaiting review: ${answers(awaitingReview)} the requester may still approve or reject`,
    },
    {
      id: "approved",
      value: `≈ ${fmt(totals.approved)}`,
      label: `approved: ${answers(approved)} waiting for the next payout`,
    },
    ...(totals.bonuses !== "0"
      ? [{ id: "bonuses", value: fmt(totals.bonuses), label: "bonuses, paid with your next payout" }]
      : []),
    { id: "pending", value: fmt(totals.planned), label: "pending: planned, paid in the next payout run" },
    { id: "awaiting", value: fmt(totals.awaitingWallet), label: "awaiting a wallet: paid once you link one" },
    { id: "paid", value: fmt(totals.paid), label: "paid to your wallet" },
  ];
  return (
    <section className="card" aria-labelledby="earnings-heading">
      <h2 id="earnings-heading" style={{ marginTop: 0 }}>
        Earnings
      </h2>
      <div className="grid earnings-stats">
        {stats.map((s) => (
          <div key={s.id}>
            <div className="stat" data-testid={`earnings-${s.id}`}>
              {s.value}
            </div>
            <div className="stat-label">{s.label}</div>
          </div>
        ))}
      </div>
      {rejected ? (
        <p className="small" data-testid="earnings-rejected">
          {answers(rejected)} rejected, not counted above
          {rejectedOpen ? ` (${rejectedOpen} may still be approved on appeal)` : ""}: see why under{" "}
          <Link to="/work/quality">My quality</Link>.
        </p>
      ) : null}
      {totals.awaitingWallet !== "0" && !earnings.walletLinked ? (
        <p className="notice">Link a wallet below to be paid what is awaiting one.</p>
      ) : null}
      {projects.length ? (
        <table data-testid="earnings" className="cards-on-phone">
          <thead>
            <tr>
              <th>Project</th>
              <th className="amount">Answers not paid yet</th>
              <th className="amount">Reward per label</th>
              <th className="amount">Quality weight now</th>
              <th className="amount">
                Estimate <span className="estimate-note">(not final)</span>
              </th>
              <th className="amount">Pending</th>
              <th className="amount">Awaiting wallet</th>
              <th className="amount">Paid</th>
            </tr>
          </thead>
          <tbody>
            {projects.map((p) => (
              <tr key={p.projectId}>
                <td data-label="Project">{p.title}</td>
                <td data-label="Answers not paid yet" className="amount">
                  {p.unplannedLabels}
                </td>
                <td data-label="Reward per label" className="amount">
                  {fmt(p.rewardPerLabel)}
                </td>
                <td data-label="Quality weight now" className="amount">
                  {p.quality === null ? "not scored yet" : `× ${p.weight.toFixed(3)}`}
                </td>
                <td data-label="Estimate (not final)" className="amount">
                  <span>
                    ≈ {fmt(p.estimate)}
                    {p.quality === null && p.unplannedLabels > 0 ? (
                      <span className="estimate-note"> up to {fmt(p.atFullRate)} once scored</span>
                    ) : null}
                  </span>
                </td>
                <td data-label="Pending" className="amount">
                  {fmt(p.planned)}
                </td>
                <td data-label="Awaiting wallet" className="amount">
                  {fmt(p.awaitingWallet)}
                </td>
                <td data-label="Paid" className="amount">
                  {fmt(p.paid)}
                </td>
              </tr>
            ))}
          </tbody>
          {projects.length > 1 ? (
            <tfoot>
              <tr>
                <td data-label="">All projects</td>
                <td data-label="Answers not paid yet" className="amount">
                  {projects.reduce((n, p) => n + p.unplannedLabels, 0)}
                </td>
                <td />
                <td />
                <td data-label="Estimate (not final)" className="amount">
                  ≈ {fmt(totals.estimate)}
                </td>
                <td data-label="Pending" className="amount">
                  {fmt(totals.planned)}
                </td>
                <td data-label="Awaiting wallet" className="amount">
                  {fmt(totals.awaitingWallet)}
                </td>
                <td data-label="Paid" className="amount">
                  {fmt(totals.paid)}
                </td>
              </tr>
            </tfoot>
          ) : null}
        </table>
      ) : null}
      {projects.length ? (
        <ReviewTable earnings={earnings} />
      ) : (
        <p className="muted" data-testid="earnings-empty">
          Nothing earned yet. Answers you give under <Link to="/work">Label</Link> show here as they accrue.
        </p>
      )}
      <p className="small muted">
        Answers are paid once approved: by the requester, or automatically when the project's approval delay ends. The
        estimate is answers × reward per label × the weight of your current quality score on the project (see{" "}
        <Link to="/work/quality">My quality</Link>). It is fixed when a payout plans the answers, once they are approved
        and their day (UTC) is over: with your quality then and within what the project has been funded, so it can still
        change until then.
      </p>
    </section>
  );
}

const answers = (n: number) => `${n} answer${n === 1 ? "" : "s"}`;

/** Per project, where the answers not paid yet stand in review: awaiting it, approved, or rejected. */
function ReviewTable({ earnings }: { earnings: EarningsData }) {
  const fmt = (amount: string) => formatAmount(amount, earnings.token);
  const rows = earnings.projects.filter((p) => p.awaitingReviewLabels + p.approvedLabels + p.rejectedLabels > 0);
  if (!rows.length) return null;
  return (
    <table data-testid="earnings-review" className="cards-on-phone">
      <caption className="small muted" style={{ textAlign: "left" }}>
        Answers not paid yet, by review
      </caption>
      <thead>
        <tr>
          <th>Project</th>
          <th className="amount">Awaiting review</th>
          <th className="amount">Approved, next payout</th>
          <th className="amount">Rejected</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.projectId}>
            <td data-label="Project">{p.title}</td>
            <td data-label="Awaiting review" className="amount">
              {p.awaitingReviewLabels} <span className="estimate-note">≈ {fmt(p.estimateAwaitingReview)}</span>
            </td>
            <td data-label="Approved, next payout" className="amount">
              {p.approvedLabels} <span className="estimate-note">≈ {fmt(p.estimateApproved)}</span>
            </td>
            <td data-label="Rejected" className="amount">
              {p.rejectedLabels}
              {p.rejectedOpenLabels ? (
                <span className="estimate-note"> ({p.rejectedOpenLabels} open to appeal)</span>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
