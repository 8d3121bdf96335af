import { randomBytes } from "node:crypto";
import { secureCookies } from "./cookie-settings.server.ts";

// The headers every response carries (pages, the JSON API, resource routes, static files): server.js sets them on
// whatever the app did not set itself, and the document entry sets them with the page's own policy.

const DEVELOPMENT = process.env.NODE_ENV === "development";

/** A fresh nonce for one page's inline scripts (Remix's hydration data and route modules, React's streaming). */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The Content-Security-Policy of a page: scripts only from this origin or inline with this response's nonce, no
 * remote images (Markdown shows only inline data: images), no framing, forms and <base> only to this origin. Style
 * attributes are allowed (the components and charts use them); style sheets only from this origin. Development
 * (Vite in middleware mode) also needs the `<style>` tags Vite injects and its hot-reload websocket.
 */
export function pagePolicy(nonce: string, development = DEVELOPMENT): string {
  return serialize({
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${nonce}'`],
    "style-src": development ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": development ? ["'self'", "ws:", "wss:"] : ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
  });
}

/** The policy of everything that is not a page (JSON, exports, files): nothing in it may load or run anything. */
export const RESOURCE_POLICY = serialize({
  "default-src": ["'none'"],
  "frame-ancestors": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'none'"],
});

function serialize(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

/**
 * The headers of every response, with the policy for resources (a page replaces it with its own): no MIME sniffing,
 * no framing, no referrer sent to other sites, no window shared with other origins, no resource read by other
 * origins, no powerful browser features, and HTTPS only (HSTS) whenever cookies are `Secure`.
 */
export function securityHeaders(secure = secureCookies): Record<string, string> {
  return {
    "Content-Security-Policy": RESOURCE_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy":
      "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), bluetooth=(), midi=(), " +
      "display-capture=(), accelerometer=(), gyroscope=(), magnetometer=()",
    ...(secure ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}

/** The headers of a page rendered with `nonce`. */
export function pageHeaders(nonce: string): Record<string, string> {
  return { ...securityHeaders(), "Content-Security-Policy": pagePolicy(nonce) };
}
