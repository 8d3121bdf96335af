// Browser entry for e2e/test-wallet.spec.ts: exposes the wallet glue as `window.glue` and renders the picker,
// so the glue and the test wallet are exercised without the app's routes.
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { WalletPicker } from "../../app/components/wallet-picker.tsx";
import * as glue from "../../app/utils/wallet.client.ts";

export type GlueWindow = typeof window & { glue: typeof glue; connection?: glue.WalletConnection };

function GluePage() {
  const [address, setAddress] = useState<string | null>(null);
  return (
    <main>
      <WalletPicker needsTransactions onConnect={(connection) => setAddress(connection.address)} />
      {address ? <p>Connected {address}</p> : null}
    </main>
  );
}

(window as GlueWindow).glue = glue;
createRoot(document.getElementById("root")!).render(<GluePage />);
