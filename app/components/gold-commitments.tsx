import { Form } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import type { loadGoldChecks, loadGoldCommitments } from "~/utils/gold.server.ts";
import { SignatureLink } from "./signature-link.tsx";
import { Time } from "~/components/time.tsx";

export type GoldCommitmentsData = Awaited<ReturnType<typeof loadGoldCommitments>>;
type GoldReport = Awaited<ReturnType<typeof loadGoldChecks>>[string];

/** The requester's dashboard: each upload's gold commitment (hash, transaction) and "Reveal gold to labelers". */
export function GoldCommitments({ data }: { data: GoldCommitmentsData }) {
  if (data.length === 0) return null;
  const revealable = data.some((c) => c.signature && !c.revealedAt);
  return (
    <section className="card" aria-labelledby="gold-heading">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id="gold-heading" style={{ margin: 0 }}>
          Gold commitments
        </h2>
        <Form method="post">
          <AuthenticityTokenInput />
          <button name="intent" value="reveal-gold" className="secondary" disabled={!revealable}>
            Reveal gold to labelers
          </button>
        </Form>
      </div>
      <p className="small muted">
        Each upload's gold answers are committed on chain, as SHA-256(salt ‖ gold list) in a memo the treasury signs,
        before any of them is served. Revealing shows your labelers the salt and the list so they can check the gold
        that scored them; it happens anyway when the project is closed. Gold items still open are then no secret.
      </p>
      <table>
        <thead>
          <tr>
            <th>Gold items</th>
            <th>Commitment (SHA-256)</th>
            <th>Transaction</th>
            <th>Revealed</th>
          </tr>
        </thead>
        <tbody>
          {data.map((c) => (
            <tr key={c.id}>
              <td>{c.items}</td>
              <td>
                <code className="small" data-testid="gold-commitment">
                  {c.commitment}
                </code>
              </td>
              <td>
                {c.signature ? (
                  <SignatureLink signature={c.signature} explorer={c.explorerUrl} />
                ) : (
                  <span className="badge">waiting for the chain; not served yet</span>
                )}
              </td>
              <td>{c.revealedAt ? <Time at={c.revealedAt} /> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** *My quality*: whether the gold that scored the labeler matches what was committed on chain. */
export function GoldVerification({ report }: { report: GoldReport | undefined }) {
  if (!report || report.commitments.length === 0) return null;
  const transactions = report.commitments.map((c) => (
    <SignatureLink key={c.uploadId} signature={c.signature} explorer={c.explorerUrl} />
  ));
  if (report.status === "verified")
    return (
      <p className="small" data-testid="gold-verified">
        ✓ The gold used to score you matches the commitment posted on chain (transaction
        {transactions.length === 1 ? " " : "s "}
        {transactions.flatMap((t, i) => (i ? [", ", t] : [t]))}) before any of it was served.
      </p>
    );
  const problems = report.commitments.flatMap((c) => (c.status === "verified" ? [] : c.problems));
  return (
    <div className={report.status === "mismatch" ? "card error" : "notice"} role="alert" data-testid="gold-mismatch">
      <p style={{ marginTop: 0 }}>
        {report.status === "mismatch"
          ? "Warning: the gold used to score you does not match the commitment posted on chain."
          : "The gold could not be checked against the chain just now."}
      </p>
      <ul className="small">
        {problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
    </div>
  );
}
