import { Link, useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { formatAmount, parseTokens, type TokenDisplay } from "~/utils/tokens.ts";
import { placeSignedOrder, type OrderStep } from "~/utils/signed-order.ts";
import type { WalletConnection } from "~/utils/wallet.client.ts";
import { WalletPicker } from "./wallet-picker.tsx";

const DEPOSIT_STEPS: Record<OrderStep, string> = {
  preparing: "Preparing the transaction…",
  signing: "Approve the transaction in your wallet…",
  confirming: "Verifying on chain…",
};

export interface ProjectFundsData {
  /** Base units, as decimal strings. */
  funded: string;
  committed: string;
  paid: string;
  remaining: string;
  /** The requester's linked wallet, which signs deposits; null when none is linked. */
  linked: string | null;
}

/**
 * A project's money: what was paid in (deposits and fundings an admin recorded), committed to labelers, paid out,
 * and what more can be committed; and *Fund*, a deposit signed by the requester's linked browser wallet.
 */
export function ProjectFunds({
  projectId,
  data,
  token,
  closed,
}: {
  projectId: string;
  data: ProjectFundsData;
  token: TokenDisplay;
  closed: boolean;
}) {
  const revalidator = useRevalidator();
  const [connection, setConnection] = useState<WalletConnection | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function onConnect(c: WalletConnection) {
    if (c.address !== data.linked)
      throw new Error(`${c.wallet.name} holds ${c.address}, not your linked wallet; link it on the Wallet page first.`);
    setConnection(c);
    setError(null);
    setStatus(`Connected ${c.wallet.name}.`);
  }

  async function fund(form: HTMLFormElement) {
    const amount = parseTokens(String(new FormData(form).get("amount") ?? ""), token.decimals);
    setError(null);
    if (amount === null || amount <= 0n)
      return setError(`Enter an amount of ${token.symbol} above 0, with at most ${token.decimals} decimals.`);
    if (!connection) return setError("Connect your linked wallet first to sign the deposit.");
    setBusy(true);
    try {
      const done = await placeSignedOrder<{ signature: string; funded: string; remaining: string }>(
        connection,
        {
          start: `/api/v1/projects/${projectId}/deposits`,
          body: { amount: amount.toString() },
          complete: "/api/v1/deposits",
        },
        (step) => setStatus(DEPOSIT_STEPS[step]),
      );
      setStatus(
        `Funded: +${formatAmount(amount, token)} (funded ${formatAmount(done.funded, token)}, remaining ` +
          `${formatAmount(done.remaining, token)}). Transaction ${done.signature.slice(0, 12)}…`,
      );
      form.reset();
      revalidator.revalidate();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setStatus(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="funds-heading">
      <h2 id="funds-heading" style={{ marginTop: 0 }}>
        Funds
      </h2>
      <div className="grid">
        <FundsStat label="funded" value={formatAmount(data.funded, token)} testId="funds-funded" />
        <FundsStat label="committed to labelers" value={formatAmount(data.committed, token)} testId="funds-committed" />
        <FundsStat label="paid out" value={formatAmount(data.paid, token)} testId="funds-paid" />
        <FundsStat
          label="remaining, within the budget"
          value={formatAmount(data.remaining, token)}
          testId="funds-remaining"
        />
      </div>
      <p className="small muted">
        Labelers are paid only from what was deposited: the budget is a cap, and a project stops serving tasks once its
        funds cannot pay for more answers.
      </p>
      {closed ? null : data.linked ? (
        <div className="stack">
          <WalletPicker onConnect={onConnect} needsTransactions />
          {status ? (
            <p role="status" className="notice">
              {status}
            </p>
          ) : null}
          {error ? (
            <p role="alert" className="field-error">
              {error}
            </p>
          ) : null}
          <form
            className="row inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void fund(e.currentTarget);
            }}
          >
            <label>
              Deposit{" "}
              <input
                name="amount"
                inputMode="decimal"
                placeholder="100"
                style={{ width: "8rem" }}
                aria-label="Tokens to deposit"
              />{" "}
              {token.symbol}
            </label>
            <button type="submit" disabled={busy}>
              Fund
            </button>
            <span className="small muted">
              from <code>{data.linked}</code>
            </span>
          </form>
        </div>
      ) : (
        <p className="notice">
          To fund this project, first <Link to="/wallet">link a wallet</Link> on the Wallet page: deposits are signed by
          your linked wallet.
        </p>
      )}
    </section>
  );
}

function FundsStat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <div className="stat" data-testid={testId} style={{ overflowWrap: "anywhere" }}>
        {value}
      </div>
      <div className="stat-label">{label}</div>
    </div>
  );
}
