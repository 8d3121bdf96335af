import { useEffect, useState } from "react";
import {
  canSignTransactions,
  connectWallet,
  detectSolanaWallets,
  watchSolanaWallets,
  type SolanaWallet,
  type WalletConnection,
} from "~/utils/wallet.client.ts";

/**
 * Lists the Solana wallets installed in this browser with a Connect button each. `onConnect` runs after the
 * wallet grants access (e.g. to fetch and sign a sign-in message); anything it throws is shown to the user.
 * Wallets are only looked up in an effect, so the server render shows the "looking" state.
 */
export function WalletPicker({
  onConnect,
  needsTransactions = false,
  label,
}: {
  onConnect: (connection: WalletConnection) => void | Promise<void>;
  /** Also require `solana:signTransaction` (redemptions). */
  needsTransactions?: boolean;
  /** The button's whole text for a wallet, e.g. "Sign with Phantom", where it does more than connect. */
  label?: (walletName: string) => string;
}) {
  const [wallets, setWallets] = useState<SolanaWallet[] | null>(null);
  const [connecting, setConnecting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Wallets exist only in the browser, so the list is read once hydrated (the server renders "looking").
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setWallets(detectSolanaWallets());
    return watchSolanaWallets(setWallets);
  }, []);

  async function connect(wallet: SolanaWallet) {
    setConnecting(wallet.name);
    setError(null);
    try {
      await onConnect(await connectWallet(wallet));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setConnecting(null);
    }
  }

  if (wallets === null) return <p className="muted">Looking for wallets…</p>;
  if (wallets.length === 0)
    return (
      <p className="notice" role="status">
        No Solana wallet found in this browser. Install a wallet extension such as Phantom, Solflare or Backpack, then
        reload this page.
      </p>
    );

  return (
    <div className="stack">
      <ul className="stack" aria-label="Solana wallets" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {wallets.map((wallet) => {
          const unsupported = needsTransactions && !canSignTransactions(wallet);
          return (
            <li key={wallet.name} className="row">
              <img src={wallet.icon} alt="" width={28} height={28} />
              {label ? null : <span>{wallet.name}</span>}
              <button
                type="button"
                aria-label={label ? undefined : `Connect ${wallet.name}`}
                disabled={connecting !== null || unsupported}
                onClick={() => connect(wallet)}
              >
                {label ? label(wallet.name) : connecting === wallet.name ? "Connecting…" : "Connect"}
              </button>
              {unsupported ? <span className="muted small">cannot sign transactions</span> : null}
            </li>
          );
        })}
      </ul>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
