import { postJson } from "./post-json.ts";
import { base64ToBytes, bytesToBase64, signTransaction, type WalletConnection } from "./wallet.client.ts";

/** Where a signed order stands, for the status line people read while it runs. */
export type OrderStep = "preparing" | "signing" | "confirming";

/**
 * A deposit or a redemption from the browser: the server builds the order's transaction (`start`), the wallet signs
 * it, and the server sends it and verifies it on chain (`complete` + the order id); returns what completing says.
 */
export async function placeSignedOrder<T>(
  wallet: WalletConnection,
  order: { start: string; body: object; complete: string },
  onStep: (step: OrderStep) => void,
): Promise<T> {
  onStep("preparing");
  const started = await postJson<{ order: { id: string }; transaction: string }>(order.start, order.body);
  onStep("signing");
  const signed = await signTransaction(wallet, base64ToBytes(started.transaction));
  onStep("confirming");
  return postJson<T>(`${order.complete}/${started.order.id}`, { signedTransaction: bytesToBase64(signed) });
}
