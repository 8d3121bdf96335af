import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { SignatureLink } from "~/components/signature-link.tsx";
import { listEpochBatches, listEpochRoots } from "../../../db/queries/payouts/roots.ts";
import { isEpochId } from "../../../reward/tokens/payouts/merkle.ts";
import { memoOfRoot } from "../../../reward/tokens/payouts/roots.ts";
import { db } from "~/utils/db.server.ts";
import { getPlatform, tokenDisplay } from "~/utils/services.server.ts";
import { formatAmount } from "~/utils/tokens.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Payouts of ${data?.epoch ?? "an epoch"} · Transparency · Pairwise` },
];

/**
 * Public (no sign-in): an epoch's Merkle roots and the transactions that paid it; counts and totals only, nothing
 * about any one person.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const epoch = params.epoch;
  if (!isEpochId(epoch)) throw new Response("No such epoch", { status: 404 });
  const platform = await getPlatform();
  const { token } = platform;
  const [roots, batches, display] = await Promise.all([
    listEpochRoots(db, epoch),
    listEpochBatches(db, epoch),
    tokenDisplay(),
  ]);
  if (roots.length === 0 && batches.length === 0)
    throw new Response(`Nothing of ${epoch} has been committed yet`, { status: 404 });
  const fmt = (n: bigint) => formatAmount(n, display);
  const link = (signature: string | null, status: string) =>
    signature && status === "confirmed" ? platform.explorerUrl(signature) : null;
  return {
    epoch,
    treasury: token.treasury.publicKey.toBase58(),
    roots: roots.map((r) => ({
      id: r.id,
      root: r.root,
      leaves: r.leafCount,
      total: fmt(r.total),
      status: r.status,
      memo: memoOfRoot(r),
      signature: r.signature,
      explorer: link(r.signature, r.status),
      at: r.createdAt.toISOString(),
    })),
    batches: batches.map((b) => ({
      id: b.id,
      status: b.status,
      rows: b.epoch_rows,
      epochTotal: fmt(b.epochTotal),
      recipients: b.recipients,
      total: fmt(b.total),
      signature: b.signature,
      explorer: link(b.signature, b.status),
    })),
  };
}

const ROOT_STATUS: Record<string, string> = {
  new: "being signed",
  signed: "sent, awaiting finality",
  confirmed: "finalized on chain",
  failed: "failed (its payouts were committed again)",
};

export default function EpochTransparency() {
  const data = useLoaderData<typeof loader>();
  return (
    <>
      <p className="small">
        <Link to="/transparency">← Transparency</Link>
      </p>
      <h1>Payouts of {data.epoch}</h1>
      <section className="card">
        <h2 style={{ marginTop: 0 }}>Merkle roots</h2>
        <p className="small muted">
          Each root commits payouts of this epoch, one leaf per wallet; its memo is signed by the treasury{" "}
          <code>{data.treasury}</code> and finalized before any of its payouts is sent. Payouts of labelers who linked a
          wallet later are committed in a later root.
        </p>
        <table data-testid="roots">
          <thead>
            <tr>
              <th>Root</th>
              <th>Leaves</th>
              <th>Tokens</th>
              <th>Status</th>
              <th>Transaction</th>
            </tr>
          </thead>
          <tbody>
            {data.roots.map((r) => (
              <tr key={r.id}>
                <td>
                  <code title={r.memo} style={{ wordBreak: "break-all" }}>
                    {r.root}
                  </code>
                </td>
                <td>{r.leaves}</td>
                <td>{r.total}</td>
                <td>{ROOT_STATUS[r.status] ?? r.status}</td>
                <td>
                  <SignatureLink signature={r.signature} explorer={r.explorer} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2 style={{ marginTop: 0 }}>Transfers</h2>
        {data.batches.length ? (
          <table data-testid="batches">
            <thead>
              <tr>
                <th>Transaction</th>
                <th>Status</th>
                <th>Payouts of {data.epoch}</th>
                <th>Tokens of {data.epoch}</th>
                <th>Recipients in the transaction</th>
                <th>Tokens in the transaction</th>
              </tr>
            </thead>
            <tbody>
              {data.batches.map((b) => (
                <tr key={b.id}>
                  <td>
                    <SignatureLink signature={b.signature} explorer={b.explorer} />
                  </td>
                  <td>{b.status}</td>
                  <td>{b.rows}</td>
                  <td>{b.epochTotal}</td>
                  <td>{b.recipients}</td>
                  <td>{b.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No transfer yet.</p>
        )}
        <p className="small muted">
          A transaction pays each recipient everything committed to them that is due, so it may also carry payouts of
          other days.
        </p>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
