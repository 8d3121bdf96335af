// The Wallet Standard registration handshake, as @wallet-standard/wallet's registerWallet does it: announce the
// wallet now (for apps already listening) and again whenever an app announces itself (for apps loaded later).
import type {
  Wallet,
  WalletEventsWindow,
  WindowRegisterWalletEvent,
  WindowRegisterWalletEventCallback,
} from "@wallet-standard/base";

export function registerWallet(wallet: Wallet): void {
  const callback: WindowRegisterWalletEventCallback = ({ register }) => register(wallet);
  (window as WalletEventsWindow).dispatchEvent(new RegisterWalletEvent(callback));
  (window as WalletEventsWindow).addEventListener("wallet-standard:app-ready", ({ detail: api }) => callback(api));
}

class RegisterWalletEvent extends Event implements WindowRegisterWalletEvent {
  readonly #detail: WindowRegisterWalletEventCallback;

  get detail() {
    return this.#detail;
  }

  get type() {
    return "wallet-standard:register-wallet" as const;
  }

  constructor(callback: WindowRegisterWalletEventCallback) {
    super("wallet-standard:register-wallet", { bubbles: false, cancelable: false, composed: false });
    this.#detail = callback;
  }

  preventDefault(): never {
    throw new Error("preventDefault cannot be called");
  }

  stopImmediatePropagation(): never {
    throw new Error("stopImmediatePropagation cannot be called");
  }

  stopPropagation(): never {
    throw new Error("stopPropagation cannot be called");
  }
}
