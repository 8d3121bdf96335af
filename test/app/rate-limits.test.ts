import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { bootApp, call, csrfPair, formData, request } from "../support/app.ts";

// A small allowance, so a handful of attempts shows where the limit is (read when the app's modules load).
process.env.RATE_LIMIT_AUTH_PER_MINUTE = "5";
const LIMIT = 5;
const PASSWORD = "violet harbor quantum tapestry 57";

let h: DbHandle;
let counter = 0;

beforeAll(async () => {
  h = await bootApp();
});
afterAll(() => h.close());

/** A fresh email, so each test starts with an untouched per-account allowance. */
const freshEmail = () => `rl-${++counter}-${Date.now()}@example.test`;

async function signUp(email: string, password: string, clientAddress: string) {
  const { action } = await import("~/routes/_auth+/signup.tsx");
  const { token, cookie } = await csrfPair();
  const body = formData({ name: "Rate Limited", email, password, role: "labeler", csrf: token });
  return call(action as never, request("/signup", { method: "POST", cookie, body }), {}, { clientAddress });
}

/** A sign-in attempt with a valid CSRF token, from `clientAddress` (the socket's peer), with any extra headers. */
async function login(
  fields: { email: string; password: string },
  clientAddress: string | undefined,
  headers: Record<string, string> = {},
) {
  const { action } = await import("~/routes/_auth+/login.tsx");
  const { token, cookie } = await csrfPair();
  const req = request("/login", { method: "POST", cookie, headers, body: formData({ ...fields, csrf: token }) });
  return call(action as never, req, {}, clientAddress === undefined ? {} : { clientAddress });
}

describe("sign-in rate limits", () => {
  it("cannot be dodged by sending a new X-Forwarded-For with each guess", async () => {
    const email = freshEmail();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 30; i++) {
      const response = await login({ email, password: `guess-${i}` }, "203.0.113.7", {
        "X-Forwarded-For": `198.51.100.${i}`,
      });
      statuses.push(response.status);
      if (response.status === 429) retryAfter ??= response.headers.get("Retry-After");
    }
    expect(statuses.filter((s) => s === 400)).toHaveLength(LIMIT);
    expect(statuses.slice(LIMIT).every((s) => s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(120);
  });

  it("limits guesses at one account from many addresses", async () => {
    const email = freshEmail();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++) {
      const address = `192.0.2.${10 + i}`;
      statuses.push((await login({ email, password: `guess-${i}` }, address, { "X-Forwarded-For": address })).status);
    }
    expect(statuses.slice(0, LIMIT).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(LIMIT).every((s) => s === 429)).toBe(true);
  });

  it("charges nothing for empty or malformed posts, and one client's limit is not another's", async () => {
    const { action } = await import("~/routes/_auth+/login.tsx");
    for (let i = 0; i < 10; i++) {
      const post = request("/login", { method: "POST", body: new URLSearchParams() });
      const empty = await call(action as never, post, {}, { clientAddress: "::1" });
      expect(empty.status).toBe(403);
    }
    // Malformed (a valid CSRF token but no email) is refused before any limit is spent.
    for (let i = 0; i < 10; i++) expect((await login({ email: "", password: "x" }, "::1")).status).toBe(400);

    const email = freshEmail();
    expect((await signUp(email, PASSWORD, "198.18.0.1")).status).toBe(302);
    // The noisy client above spent nothing; a real sign-in from it and from another address both succeed.
    expect((await login({ email, password: PASSWORD }, "::1")).status).toBe(302);
    expect((await login({ email, password: PASSWORD }, "198.18.0.2")).status).toBe(302);

    // Exhaust one address's allowance with real attempts at other accounts: only that address is refused.
    for (let i = 0; i < LIMIT; i++) await login({ email: freshEmail(), password: "wrong" }, "198.18.0.3");
    expect((await login({ email: freshEmail(), password: "wrong" }, "198.18.0.3")).status).toBe(429);
    expect((await login({ email: freshEmail(), password: "wrong" }, "198.18.0.4")).status).toBe(400);
  });

  it("keeps its counters in the database, shared by every app process", async () => {
    const email = freshEmail();
    for (let i = 0; i < LIMIT; i++)
      expect((await login({ email, password: "wrong" }, `100.64.0.${i}`)).status).toBe(400);
    // A second process: fresh app modules (nothing held in memory), the same database.
    vi.resetModules();
    expect((await login({ email, password: "wrong" }, "100.64.1.1")).status).toBe(429);
  });
});

describe("concurrent attempts", () => {
  it("are all counted: of 20 at once on one key, exactly the allowance gets through", async () => {
    const { rateLimit, RateLimitedError } = await import("~/utils/rate-limit.server.ts");
    const key = `concurrent-${Date.now()}`;
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => rateLimit("auth", key)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(LIMIT);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused.every((r) => r.reason instanceof RateLimitedError)).toBe(true);
  });
});

describe("the client's address", () => {
  it("is the socket's peer unless TRUST_PROXY says how many proxies append to X-Forwarded-For", async () => {
    const { clientAddress } = await import("~/utils/rate-limit.server.ts");
    const req = (xff?: string) => request("/", { headers: xff ? { "X-Forwarded-For": xff } : {} });
    const socket = { clientAddress: "10.0.0.1" };
    expect(clientAddress(req("1.1.1.1"), socket, 0)).toBe("10.0.0.1");
    expect(clientAddress(req("::ffff:10.0.0.9"), { clientAddress: "::ffff:10.0.0.1" }, 0)).toBe("10.0.0.1");
    // One proxy: the right-most entry is what our proxy saw; anything left of it is the client's own claim.
    expect(clientAddress(req("6.6.6.6, 203.0.113.5"), socket, 1)).toBe("203.0.113.5");
    expect(clientAddress(req("6.6.6.6, 203.0.113.5, 10.0.0.2"), socket, 2)).toBe("203.0.113.5");
    // No header, or garbage where the trusted hop should be: the socket's peer.
    expect(clientAddress(req(), socket, 1)).toBe("10.0.0.1");
    expect(clientAddress(req("6.6.6.6, not-an-ip"), socket, 1)).toBe("10.0.0.1");
    // IPv6 clients are counted per /64, the block one customer gets.
    expect(clientAddress(req(), { clientAddress: "2001:db8:1:2:aaaa::1" }, 0)).toBe(
      clientAddress(req(), { clientAddress: "2001:db8:1:2:bbbb::2" }, 0),
    );
    // Tolerates a context without an address (tests, or a request not from server.js).
    expect(clientAddress(req(), {}, 0)).toBe("unknown");
    expect(clientAddress(req(), undefined, 0)).toBe("unknown");
  });
});

describe("the sliding minute", () => {
  it("gives no double allowance across a window boundary, and says when to come back", async () => {
    const { secondsUntilAllowed } = await import("~/utils/rate-limit.server.ts");
    // Within the allowance.
    expect(secondsUntilAllowed({ points: 5, previous: 0, elapsedSeconds: 10 }, 5, 60)).toBe(0);
    expect(secondsUntilAllowed({ points: 2, previous: 6, elapsedSeconds: 30 }, 5, 60)).toBe(0);
    // Five spent just before the boundary still count just after it.
    expect(secondsUntilAllowed({ points: 1, previous: 5, elapsedSeconds: 1 }, 5, 60)).toBeGreaterThan(0);
    // Over the allowance in this window: back once it has slid far enough into the next one.
    const wait = secondsUntilAllowed({ points: 10, previous: 0, elapsedSeconds: 20 }, 5, 60);
    expect(wait).toBe(40 + Math.ceil(60 * (1 - 4 / 10)));
    // That many seconds later it is the next window, with these ten as its previous ones.
    expect(secondsUntilAllowed({ points: 1, previous: 10, elapsedSeconds: wait - 40 }, 5, 60)).toBe(0);
    expect(secondsUntilAllowed({ points: 1, previous: 10, elapsedSeconds: wait - 41 }, 5, 60)).toBeGreaterThan(0);
  });

  it("answers 429 with Retry-After from the JSON API too", async () => {
    const { api } = await import("~/utils/api.server.ts");
    const { RateLimitedError } = await import("~/utils/rate-limit.server.ts");
    const response = await api(async () => {
      throw new RateLimitedError(17);
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("Retry-After")).toBe("17");
  });
});
