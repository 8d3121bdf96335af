import { useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { postJson } from "~/utils/post-json.ts";
import type { TokenDisplay } from "~/utils/tokens.ts";
import { signSiwsMessage, type WalletConnection } from "~/utils/wallet.client.ts";
import { RedeemForm } from "./redeem-form.tsx";
import { WalletPicker } from "./wallet-picker.tsx";
import "./wallet.css";

// project-funds.tsx imports it from here.

/**
 * The payout wallet: links one by signing a Sign-In-With-Solana message (or another in its place), and redeems the
 * linked wallet's tokens for credits. Once a wallet is linked, wallets are offered again only to link another one
 * or, when redeeming, to sign.
 */
export function WalletPanel({
  linked,
  token,
  balance,
  creditsPerToken,
  creditUnit,
}: {
  linked: string | null;
  token: TokenDisplay;
  /** What the linked wallet holds, in base units. */
  balance: string;
  creditsPerToken: number;
  /** One credit's worth in base units. */
  creditUnit: string;
}) {
  const revalidator = useRevalidator();
  const [connection, setConnection] = useState<WalletConnection | null>(null);
  const [changing, setChanging] = useState(false);
  const [status, setStatus] = useState<{ text: string; done: boolean } | null>(null);

  async function link(c: WalletConnection) {
    if (c.address === linked) {
      setConnection(c);
      setChanging(false);
      return setStatus({ text: `${c.wallet.name} holds your linked wallet already.`, done: true });
    }
    setStatus({ text: "Sign the message in your wallet to link it…", done: false });
    try {
      const challenge = await postJson<{ message: string; nonce: string }>("/api/v1/wallet/challenge", {
        address: c.address,
      });
      const { signature } = await signSiwsMessage(c, challenge.message);
      await postJson("/api/v1/wallet", { nonce: challenge.nonce, signature });
    } catch (error) {
      setStatus(null);
      throw error;
    }
    setConnection(c);
    setChanging(false);
    setStatus({ text: `Linked ${c.address}. Payouts go to this wallet from now on.`, done: true });
    revalidator.revalidate();
  }

  return (
    <div className="stack wallet-panel">
      <div>
        <h3>Payout wallet</h3>
        {linked ? (
          <div className="row">
            <code data-testid="linked-wallet" className="wallet-address">
              {linked}
            </code>
            <button
              type="button"
              className="secondary"
              aria-expanded={changing}
              onClick={() => setChanging((open) => !open)}
            >
              {changing ? "Keep this wallet" : "Link a different wallet"}
            </button>
          </div>
        ) : (
          <p>
            <strong>None linked yet.</strong> Your earnings accrue and are paid as soon as you link one: connect a
            wallet below and sign the message it shows (signing costs nothing).
          </p>
        )}
      </div>
      {!linked || changing ? (
        <WalletPicker
          onConnect={link}
          needsTransactions
          label={linked ? (name) => `Link ${name} instead` : undefined}
        />
      ) : null}
      <p role="status" className={status ? (status.done ? "wallet-done" : "notice") : "visually-empty"}>
        {status?.text ?? ""}
      </p>
      {linked ? (
        <RedeemForm
          linked={linked}
          token={token}
          balance={BigInt(balance)}
          creditsPerToken={creditsPerToken}
          creditUnit={BigInt(creditUnit)}
          connection={connection?.address === linked ? connection : null}
          onConnection={setConnection}
        />
      ) : null}
    </div>
  );
}
