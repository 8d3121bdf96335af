import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { bootApp, call, csrfPair, formData, request } from "../support/app.ts";

let h: DbHandle;
const email = `redirect-${Date.now()}@example.test`;
const password = "a long enough password";

beforeAll(async () => {
  h = await bootApp();
  const { signUp } = await import("~/utils/auth.server.ts");
  await signUp({ name: "Redirected", email, password, role: "requester" });
});
afterAll(() => h.close());

/** Targets a crafted sign-in link could carry, as the login form would post them (already URL-decoded). */
const HOSTILE = [
  "//evil.example",
  "//evil.example/path",
  "/\\evil.example",
  "\\\\evil.example",
  "/%09/evil.example",
  "/\t/evil.example/",
  "\t/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  " //evil.example",
  "/%2F%2Fevil.example",
  "/..//evil.example",
  "/.//evil.example",
  "/./\\evil.example",
  "https://evil.example",
  "https:evil.example",
  "http://localhost@evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "/\u0000/evil.example",
  "/x\u0000y",
  "/a\u007f\u0001b",
  "/\u2028/evil",
  "http://[::1",
  "",
];

/** Where a browser would go: the Location resolved against the page's URL, as the WHATWG parser does. */
function lands(location: string) {
  return new URL(location, "http://localhost:3000/login");
}

describe("the redirect after sign-in", () => {
  it("stays on the site whatever the link says, and never fails", async () => {
    const { safeRedirect } = await import("~/utils/session.server.ts");
    for (const target of HOSTILE) {
      const to = safeRedirect(target, "/fallback");
      expect(to, JSON.stringify(target)).toMatch(/^\/(?![/\\])/);
      expect(lands(to).origin, JSON.stringify(target)).toBe("http://localhost:3000");
      expect(
        [...to].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
        JSON.stringify(target),
      ).toBe(false);
    }
  });

  it("keeps same-site paths with their query and fragment", async () => {
    const { safeRedirect } = await import("~/utils/session.server.ts");
    expect(safeRedirect("/projects/abc?tab=quality#labelers")).toBe("/projects/abc?tab=quality#labelers");
    expect(safeRedirect("/work")).toBe("/work");
    expect(safeRedirect(null, "/work")).toBe("/work");
    expect(safeRedirect(undefined)).toBe("/");
  });

  it("signs in and redirects on-site for each hostile redirectTo", async () => {
    const { action } = await import("~/routes/_auth+/login.tsx");
    for (const redirectTo of HOSTILE) {
      const { token, cookie } = await csrfPair();
      const body = formData({ email, password, redirectTo, csrf: token });
      const response = await call(action as never, request("/login", { method: "POST", cookie, body }));
      expect(response.status, JSON.stringify(redirectTo)).toBe(302);
      const location = response.headers.get("Location")!;
      expect(lands(location).origin, `${JSON.stringify(redirectTo)} → ${location}`).toBe("http://localhost:3000");
      expect(location).toMatch(/^\/(?![/\\])/);
    }
  });
});
