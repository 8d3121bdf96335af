import { Link } from "@remix-run/react";
import type { EarningsData } from "~/utils/earnings.ts";
import { formatAmount } from "~/utils/tokens.ts";
import "./earnings-summary.css";

const ESTIMATE = "estimate: the amount is fixed when the day (UTC) is planned, with your quality then";

/**
 * A labeler's earnings in one line, for the labeling page's header: the estimate of what is not planned yet (on
 * `projectId` and in all; with how many of this project's answers await review or were rejected), and what is
 * pending, awaiting a wallet and paid. `earnings` comes from loadEarnings.
 */
export function EarningsSummary({ earnings, projectId }: { earnings: EarningsData; projectId?: string }) {
  const fmt = (amount: string) => formatAmount(amount, earnings.token);
  const { totals } = earnings;
  const here = earnings.projects.find((p) => p.projectId === projectId);
  const elsewhere = projectId === undefined || totals.estimate !== (here?.estimate ?? "0");
  return (
    <section className="earnings-summary" aria-label="Your earnings" data-testid="earnings-summary">
      <dl>
        {projectId !== undefined ? (
          <div data-testid="earnings-here">
            <dt>
              This project (<abbr title={ESTIMATE}>est.</abbr>)
            </dt>
            <dd>
              ≈ {fmt(here?.estimate ?? "0")}
              {here && here.quality === null && here.unplannedLabels > 0 ? (
                <span className="muted"> · up to {fmt(here.atFullRate)} once scored</span>
              ) : null}
              {here && here.awaitingReviewLabels > 0 ? (
                <span className="muted" data-testid="earnings-here-review">
                  {" "}
                  · {here.awaitingReviewLabels} awaiting review
                </span>
              ) : null}
              {here && here.rejectedLabels > 0 ? (
                <span className="muted" data-testid="earnings-here-rejected">
                  {" "}
                  · {here.rejectedLabels} rejected
                </span>
              ) : null}
            </dd>
          </div>
        ) : null}
        {elsewhere ? (
          <div data-testid="earnings-estimate">
            <dt>
              All projects (<abbr title={ESTIMATE}>est.</abbr>)
            </dt>
            <dd>≈ {fmt(totals.estimate)}</dd>
          </div>
        ) : null}
        {totals.bonuses !== "0" ? (
          <div data-testid="earnings-bonuses">
            <dt>Bonuses</dt>
            <dd>{fmt(totals.bonuses)}</dd>
          </div>
        ) : null}
        <div data-testid="earnings-pending">
          <dt>Pending</dt>
          <dd>{fmt(totals.planned)}</dd>
        </div>
        {totals.awaitingWallet !== "0" ? (
          <div data-testid="earnings-awaiting">
            <dt>Awaiting a wallet</dt>
            <dd>{fmt(totals.awaitingWallet)}</dd>
          </div>
        ) : null}
        <div data-testid="earnings-paid">
          <dt>Paid</dt>
          <dd>{fmt(totals.paid)}</dd>
        </div>
      </dl>
      <Link to="/wallet">{!earnings.walletLinked && totals.awaitingWallet !== "0" ? "Link a wallet" : "Details"}</Link>
    </section>
  );
}
