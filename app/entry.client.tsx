import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

/**
 * With single fetch, RemixBrowser first decodes the page's data stream and suspends until it is done, outside any
 * Suspense boundary. A key press or click in that window makes React 18 hydrate synchronously, which cannot finish:
 * "Root did not complete" (React error #345; remix-run/remix#10214), seen when someone types into the sign-up form
 * as it loads. So the decoding is started and awaited first: RemixBrowser's first call does only that (it throws
 * the pending decode before any hook), and hydration then renders without suspending.
 */
async function pageDataDecoded(): Promise<void> {
  try {
    RemixBrowser({});
  } catch (pending) {
    if (pending instanceof Promise) await pending;
  }
}

void pageDataDecoded().then(() =>
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  }),
);
