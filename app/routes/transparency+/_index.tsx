import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { listRootedEpochs } from "../../../db/queries/payouts/roots.ts";
import { db } from "~/utils/db.server.ts";
import { getPlatform, tokenDisplay } from "~/utils/services.server.ts";
import { formatAmount } from "~/utils/tokens.ts";

export const meta: MetaFunction = () => [{ title: "Transparency · Pairwise" }];

/** Public (no sign-in): the epochs whose ledgers are committed on chain, newest first. */
export async function loader() {
  const { token } = await getPlatform();
  const [epochs, display] = await Promise.all([listRootedEpochs(db, 60), tokenDisplay()]);
  return {
    treasury: token.treasury.publicKey.toBase58(),
    mint: token.mint.toBase58(),
    epochs: epochs.map((e) => ({
      id: e.epoch_id,
      kind: e.kind,
      roots: e.roots,
      confirmed: e.confirmed,
      leaves: e.leaves,
      total: formatAmount(e.total, display),
    })),
  };
}

export default function Transparency() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Transparency</h1>
      <section className="card">
        <p>
          Before any tokens of a day are sent, the day's payout ledger is committed on Solana as a Merkle root (RFC
          6962) in a memo signed by the treasury, <code>{data.treasury}</code> (mint <code>{data.mint}</code>). Every
          labeler can check their own amount against it: the wallet page does so in the browser, and{" "}
          <code>pairwise verify-payout --epoch DAY --wallet ADDR</code> from a terminal.
        </p>
        {data.epochs.length ? (
          <table data-testid="epochs">
            <thead>
              <tr>
                <th>Epoch</th>
                <th>Roots (on chain)</th>
                <th>Payouts committed</th>
                <th>Tokens committed</th>
              </tr>
            </thead>
            <tbody>
              {data.epochs.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/transparency/${e.id}`}>{e.id}</Link>
                    {e.kind === "refund" ? <span className="small muted"> (project refund)</span> : null}
                  </td>
                  <td>
                    {e.roots} ({e.confirmed})
                  </td>
                  <td>{e.leaves}</td>
                  <td>{e.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No payout has been committed yet.</p>
        )}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
