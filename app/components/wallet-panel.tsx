import { useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { parseTokens } from "~/utils/tokens.ts";
import {
  base64ToBytes,
  bytesToBase64,
  signSiwsMessage,
  signTransaction,
  type WalletConnection,
} from "~/utils/wallet.client.ts";
import { WalletPicker } from "./wallet-picker.tsx";

/** POSTs JSON with the session cookie; a failure throws the API's error message. */
export async function postJson<T>(url: string, body: object): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data?.error?.message ?? `request failed (${response.status})`);
  return data as T;
}

/** Links a wallet by signing a Sign-In-With-Solana message, and redeems tokens for credits with it. */
export function WalletPanel({
  linked,
  decimals,
  creditsPerToken,
}: {
  linked: string | null;
  decimals: number;
  creditsPerToken: number;
}) {
  const revalidator = useRevalidator();
  const [connection, setConnection] = useState<WalletConnection | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onConnect(c: WalletConnection) {
    setConnection(c);
    setError(null);
    if (c.address === linked) return setStatus(`Connected ${c.wallet.name}.`);
    setStatus("Sign the message in your wallet to link it…");
    const challenge = await postJson<{ message: string; nonce: string }>("/api/v1/wallet/challenge", {
      address: c.address,
    });
    const { signature } = await signSiwsMessage(c, challenge.message);
    await postJson("/api/v1/wallet", { nonce: challenge.nonce, signature });
    setStatus(`Linked ${c.address}. Payouts go to this wallet from now on.`);
    revalidator.revalidate();
  }

  async function redeem(form: HTMLFormElement) {
    const data = new FormData(form);
    const amount = parseTokens(String(data.get("amount") ?? ""), decimals);
    setError(null);
    if (amount === null || amount <= 0n)
      return setError(`Enter an amount of tokens with at most ${decimals} decimals.`);
    if (!connection || connection.address !== linked)
      return setError("Connect your linked wallet first to sign the redemption.");
    setBusy(true);
    try {
      setStatus("Preparing the transaction…");
      const started = await postJson<{ order: { id: string; credits: string }; transaction: string }>(
        "/api/v1/redemptions",
        {
          amount: amount.toString(),
          mode: data.get("mode") ?? "burn",
        },
      );
      setStatus("Approve the transaction in your wallet…");
      const signed = await signTransaction(connection, base64ToBytes(started.transaction));
      setStatus("Verifying on chain…");
      const done = await postJson<{ credits: string; balance: string; signature: string }>(
        `/api/v1/redemptions/${started.order.id}`,
        {
          signedTransaction: bytesToBase64(signed),
        },
      );
      setStatus(
        `Redeemed: +${done.credits} credits (balance ${done.balance}). Transaction ${done.signature.slice(0, 12)}…`,
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
    <div className="stack">
      <p>
        Payout wallet:{" "}
        {linked ? (
          <code data-testid="linked-wallet">{linked}</code>
        ) : (
          <strong>none linked yet — your earnings accrue until you link one</strong>
        )}
      </p>
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
      {linked ? (
        <form
          className="row inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void redeem(e.currentTarget);
          }}
        >
          <label>
            Redeem{" "}
            <input
              name="amount"
              inputMode="decimal"
              placeholder="10"
              style={{ width: "7rem" }}
              aria-label="Tokens to redeem"
            />{" "}
            tokens
          </label>
          <label>
            by{" "}
            <select name="mode" aria-label="How">
              <option value="burn">burning them</option>
              <option value="transfer">returning them to the treasury</option>
            </select>
          </label>
          <button type="submit" disabled={busy}>
            Redeem for credits
          </button>
          <span className="small muted">1 token = {creditsPerToken} credits</span>
        </form>
      ) : null}
    </div>
  );
}
