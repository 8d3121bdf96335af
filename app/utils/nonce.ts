import { createContext, useContext } from "react";

/**
 * The page's CSP nonce, provided by the document entry while rendering on the server. In the browser it is
 * undefined (browsers hide nonces from the DOM, and scripts added after hydration need none).
 */
export const NonceContext = createContext<string | undefined>(undefined);

export const useNonce = () => useContext(NonceContext);
