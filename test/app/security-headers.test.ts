// Every response carries the security headers: pages with a Content-Security-Policy whose nonce is on each of their
// inline scripts, everything else (the JSON API, files) with a policy under which nothing loads.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "../../db/client.ts";
import { bootApp, request } from "../support/app.ts";
import { remixHandler } from "../support/remix-handler.ts";
import { makeTempDir } from "../support/temp-dir.ts";
import { pagePolicy, RESOURCE_POLICY, securityHeaders } from "~/utils/security-headers.server.ts";

const COMMON = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** The nonce of a page's policy, after checking the policy is the strict one. */
function pageNonce(policy: string | null, development = false): string {
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy ?? "")?.[1];
  expect(nonce, `no nonce in ${policy}`).toBeTruthy();
  expect(policy).toBe(pagePolicy(nonce!, development));
  return nonce!;
}

/** Every <script> of the page carries the nonce (none is external from elsewhere, none is inline without it). */
function expectScriptsCarry(html: string, nonce: string) {
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
}

describe("the header values", () => {
  it("a page's policy: scripts from here or with the nonce, no remote images, no framing", () => {
    const policy = pagePolicy("abc", false);
    expect(policy.split("; ")).toEqual([
      "default-src 'self'",
      "script-src 'self' 'nonce-abc'",
      "style-src 'self'",
      "style-src-attr 'unsafe-inline'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ]);
    expect(policy).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/);
    // Vite's development server injects <style> tags and hot-reloads over a websocket; scripts stay as strict.
    const dev = pagePolicy("abc", true);
    expect(dev).toContain("style-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws: wss:");
    expect(dev).toContain("script-src 'self' 'nonce-abc';");
  });

  it("HSTS only when cookies are Secure (served over HTTPS)", () => {
    expect(securityHeaders(true)["Strict-Transport-Security"]).toBe("max-age=31536000; includeSubDomains");
    expect(securityHeaders(false)["Strict-Transport-Security"]).toBeUndefined();
    expect(securityHeaders(false)["Content-Security-Policy"]).toBe(RESOURCE_POLICY);
    expect(RESOURCE_POLICY).toMatch(/^default-src 'none'; frame-ancestors 'none'/);
    expect(securityHeaders(false)["Permissions-Policy"]).toMatch(/camera=\(\), microphone=\(\), geolocation=\(\)/);
  });
});

describe("pages rendered by the document entry", () => {
  let h: DbHandle;
  let remix: Awaited<ReturnType<typeof remixHandler>>;
  beforeAll(async () => {
    h = await bootApp();
    remix = await remixHandler();
  }, 120_000);
  afterAll(async () => {
    await remix?.close();
    await h?.close();
  });

  it("carry a fresh nonce on every inline script, and the policy that allows only it", async () => {
    const nonces = new Set<string>();
    for (const url of ["/login", "/signup", "/", "/no-such-page"]) {
      const response = await remix.handle(request(url));
      expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
      const nonce = pageNonce(response.headers.get("Content-Security-Policy"));
      expectScriptsCarry(await response.text(), nonce);
      for (const [name, value] of Object.entries(COMMON)) expect(response.headers.get(name), name).toBe(value);
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(4);
  });
});

describe("server.js (npm run dev) on every response", () => {
  const ROOT = path.resolve(import.meta.dirname, "../..");
  const PORT = 3298;
  let server: ChildProcess;
  let output = "";
  beforeAll(async () => {
    const { DATABASE_URL: _pg, ...env } = process.env;
    server = spawn(process.execPath, ["server.js"], {
      cwd: ROOT,
      env: {
        ...env,
        NODE_ENV: "development",
        PORT: String(PORT),
        DATA_DIR: makeTempDir("headers"),
        COOKIE_SECURE: "true",
      },
    });
    server.stdout!.on("data", (d) => (output += d));
    server.stderr!.on("data", (d) => (output += d));
    const deadline = Date.now() + 100_000;
    while (Date.now() < deadline) {
      if (await fetch(`http://localhost:${PORT}/favicon.svg`).catch(() => null)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`server.js did not start:\n${output}`);
  }, 120_000);
  afterAll(async () => {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("close", resolve));
  });

  const get = (url: string, init?: RequestInit) =>
    fetch(`http://localhost:${PORT}${url}`, { redirect: "manual", ...init });
  const expectCommon = (response: Response) => {
    for (const [name, value] of Object.entries(COMMON)) expect(response.headers.get(name), name).toBe(value);
    expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect(response.headers.get("permissions-policy")).toContain("camera=()");
    // One of each: the app's own headers are never doubled by the server's.
    expect(response.headers.get("content-security-policy")).not.toContain(",");
  };

  it("a page: the common headers and its own nonce policy", { timeout: 60_000 }, async () => {
    const page = await get("/login");
    expect(page.status, output).toBe(200);
    expectCommon(page);
    expectScriptsCarry(await page.text(), pageNonce(page.headers.get("content-security-policy"), true));
  });

  it.each([
    ["the JSON API", "/api/v1/models", 401],
    ["an unknown API path", "/api/v1/nope", 404],
    ["a static file", "/favicon.svg", 200],
    ["a redirect", "/projects", 302],
  ])("%s: the common headers and the resource policy", { timeout: 60_000 }, async (_what, url, status) => {
    const response = await get(url);
    expect(response.status, output).toBe(status);
    expectCommon(response);
    expect(response.headers.get("content-security-policy")).toBe(RESOURCE_POLICY);
  });
});
