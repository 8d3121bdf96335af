import { useRevalidator } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { placeSignedOrder, type OrderStep } from "~/utils/signed-order.ts";
import { checkRedeemAmount, maxRedeemable } from "~/utils/redemption-amount.ts";
import { formatAmount, formatTokens, type TokenDisplay } from "~/utils/tokens.ts";
import type { WalletConnection } from "~/utils/wallet.client.ts";
import { WalletPicker } from "./wallet-picker.tsx";
import "./wallet.css";

function redeemStep(step: OrderStep, wallet: WalletConnection): string {
  if (step === "preparing") return "Preparing the transaction…";
  if (step === "signing") return `Approve the transaction in ${wallet.wallet.name}…`;
  return "Sending it and waiting until the chain has finalized it…";
}

type Mode = "burn" | "transfer";

const MODES: Record<Mode, { label: string; explain: string }> = {
  burn: {
    label: "Burn them",
    explain: "Destroyed for good: nobody can spend them again, and the token's supply shrinks.",
  },
  transfer: {
    label: "Return them to the treasury",
    explain: "Sent back to the platform's treasury, which pays them out to labelers again.",
  },
};

interface Pending {
  amount: bigint;
  mode: Mode;
}

/**
 * Redeems tokens from the linked wallet for premium credits: shows the balance, fills in the most it can redeem,
 * refuses what the wallet cannot cover before anything is built, and asks for confirmation (burn or return)
 * before the wallet signs. The wallet that signs must hold the linked address.
 */
export function RedeemForm({
  linked,
  token,
  balance,
  creditsPerToken,
  creditUnit,
  connection,
  onConnection,
}: {
  linked: string;
  token: TokenDisplay;
  balance: bigint;
  creditsPerToken: number;
  creditUnit: bigint;
  connection: WalletConnection | null;
  onConnection: (connection: WalletConnection) => void;
}) {
  const revalidator = useRevalidator();
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = useId();
  const [text, setText] = useState("");
  const [mode, setMode] = useState<Mode>("burn");
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; done: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const limits = { token, balance, creditUnit };
  const max = maxRedeemable(limits);
  const fmt = (amount: bigint) => formatAmount(amount, token);
  const creditsOf = (amount: bigint) => (amount * BigInt(creditsPerToken)) / 10n ** BigInt(token.decimals);

  useEffect(() => {
    if (pending && !dialog.current?.open) dialog.current?.showModal();
    if (!pending && dialog.current?.open) dialog.current.close();
  }, [pending]);

  function review() {
    const checked = checkRedeemAmount(text, limits);
    if ("error" in checked) return setFieldError(checked.error);
    setError(null);
    setPending({ amount: checked.amount, mode });
  }

  async function redeem(order: Pending, wallet: WalletConnection) {
    setPending(null);
    setBusy(true);
    setError(null);
    try {
      const done = await placeSignedOrder<{ credits: string; balance: string; signature: string }>(
        wallet,
        {
          start: "/api/v1/redemptions",
          body: { amount: order.amount.toString(), mode: order.mode },
          complete: "/api/v1/redemptions",
        },
        (step) => setStatus({ text: redeemStep(step, wallet), done: false }),
      );
      setStatus({
        text: `Redeemed ${fmt(order.amount)}: +${done.credits} credits (you now have ${done.balance}). Transaction ${done.signature.slice(0, 12)}…`,
        done: true,
      });
      setText("");
      revalidator.revalidate();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setStatus(null);
    } finally {
      setBusy(false);
    }
  }

  function signWith(wallet: WalletConnection) {
    if (wallet.address !== linked)
      throw new Error(
        `${wallet.wallet.name} holds ${wallet.address}, not your linked wallet: switch accounts in it, or link this one.`,
      );
    onConnection(wallet);
    if (pending) void redeem(pending, wallet);
  }

  if (balance === 0n)
    return (
      <p className="muted" data-testid="redeem-empty">
        Your wallet holds no {token.symbol} yet. Payouts arrive in it once your approved answers are planned and sent;
        you can then redeem them here for premium AI credits.
      </p>
    );

  const preview = checkRedeemAmount(text, limits);
  return (
    <section className="redeem" aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`}>Redeem for premium AI credits</h3>
      <p className="small">
        You can redeem up to <strong data-testid="redeemable">{fmt(max)}</strong> · 1 {token.symbol} = {creditsPerToken}{" "}
        credits
      </p>
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          review();
        }}
      >
        <div>
          <label htmlFor={`${ids}-amount`}>Tokens to redeem</label>
          <div className="row redeem-amount">
            <input
              id={`${ids}-amount`}
              name="amount"
              inputMode="decimal"
              autoComplete="off"
              placeholder={formatTokens(max, token.decimals)}
              value={text}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={`${ids}-amount-error`}
              onChange={(e) => {
                setText(e.target.value);
                setFieldError(null);
              }}
            />
            <span aria-hidden="true">{token.symbol}</span>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setText(formatTokens(max, token.decimals));
                setFieldError(null);
              }}
            >
              Max
            </button>
          </div>
          <p id={`${ids}-amount-error`} className="field-error reserved" role="alert">
            {fieldError ?? ""}
          </p>
        </div>
        <fieldset className="redeem-modes">
          <legend>What happens to the tokens</legend>
          {(Object.keys(MODES) as Mode[]).map((m) => (
            <label key={m} className="redeem-mode">
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
              <span>
                <strong>{MODES[m].label}</strong>
                <span className="small muted"> — {MODES[m].explain}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="row">
          <button type="submit" disabled={busy}>
            Redeem for credits
          </button>
          {"amount" in preview ? (
            <span className="small" data-testid="redeem-preview">
              {fmt(preview.amount)} → {creditsOf(preview.amount).toString()} credits
            </span>
          ) : null}
        </div>
      </form>
      <p role="status" className={status ? (status.done ? "wallet-done" : "notice") : "visually-empty"}>
        {status?.text ?? ""}
      </p>
      {error ? (
        <p role="alert" className="field-error">
          {error}
        </p>
      ) : null}

      <dialog
        ref={dialog}
        className="confirm-dialog"
        aria-labelledby={`${ids}-confirm-title`}
        aria-describedby={`${ids}-confirm-what`}
        onClose={() => setPending(null)}
      >
        {pending ? (
          <div className="stack">
            <h3 id={`${ids}-confirm-title`}>
              {pending.mode === "burn"
                ? `Burn ${fmt(pending.amount)} for ${creditsOf(pending.amount)} credits?`
                : `Return ${fmt(pending.amount)} to the treasury for ${creditsOf(pending.amount)} credits?`}
            </h3>
            <p id={`${ids}-confirm-what`}>
              {MODES[pending.mode].explain}
              {pending.mode === "burn"
                ? " To keep them in circulation, cancel and return them to the treasury."
                : ""}{" "}
              Credits cannot be turned back into tokens. Your wallet{" "}
              <code>
                {linked.slice(0, 4)}…{linked.slice(-4)}
              </code>{" "}
              will ask you to approve the transaction; the platform pays its fee.
            </p>
            {connection ? (
              <div className="row">
                <button type="button" onClick={() => void redeem(pending, connection)}>
                  {pending.mode === "burn" ? "Burn and redeem" : "Return and redeem"}
                </button>
                <button type="button" className="secondary" onClick={() => setPending(null)}>
                  Cancel
                </button>
              </div>
            ) : (
              <>
                <p className="small">Sign with the wallet that holds your linked address:</p>
                <WalletPicker onConnect={signWith} needsTransactions label={(name) => `Sign with ${name}`} />
                <div className="row">
                  <button type="button" className="secondary" onClick={() => setPending(null)}>
                    Cancel
                  </button>
                </div>
              </>
            )}
          </div>
        ) : null}
      </dialog>
    </section>
  );
}
