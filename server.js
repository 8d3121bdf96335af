// The app's HTTP server. `npm start`: builds the app when the build is missing or older than the sources, then
// serves it. `npm run dev`: the same server with Vite in middleware mode (hot reload). Both run the background
// worker (consensus runs, training, payouts) in this process.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
// Backpressure, aborts and early answers to request bodies: see server/request-handler.js.
import { createRequestHandler } from "./server/request-handler.js";
import compression from "compression";
import express from "express";

process.env.NODE_ENV ??= "production";
const DEV = process.env.NODE_ENV === "development";
const BUILD = path.resolve("build/server/index.js");
const SOURCES = ["app", "config", "db", "accounts", "datasets", "labeling", "reward", "trainer", "jobs", "public"];

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** The server build: Vite's live module graph in development, the built bundle (rebuilt when stale) otherwise. */
async function loadBuild(app) {
  if (DEV) {
    const vite = await import("vite");
    const viteDevServer = await vite.createServer({ server: { middlewareMode: true } });
    app.use(viteDevServer.middlewares);
    return () => viteDevServer.ssrLoadModule("virtual:remix/server-build");
  }
  const stale =
    !existsSync(BUILD) || Math.max(...SOURCES.filter(existsSync).map(newestMtime)) > statSync(BUILD).mtimeMs;
  if (stale) {
    console.log("Building the app…");
    execFileSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], { stdio: "inherit" });
  }
  const build = await import(BUILD);
  app.use(compression({ filter: (req, res) => !req.path.includes("/export") && compression.filter(req, res) }));
  app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
  app.use(express.static("build/client", { maxAge: "1h" }));
  return () => build;
}

/**
 * Security headers (app/utils/security-headers.server.ts, from the build) on every response: the API, resource routes,
 * static files, Vite's own in development. Set when the head is written, only where the response has none of its
 * own, so a page keeps the Content-Security-Policy with its nonce.
 */
function securityHeaders(headers) {
  return (req, res, next) => {
    const writeHead = res.writeHead;
    res.writeHead = function (...args) {
      for (const [name, value] of Object.entries(headers)) if (!this.hasHeader(name)) this.setHeader(name, value);
      return writeHead.apply(this, args);
    };
    next();
  };
}

const app = express();
app.disable("x-powered-by");
const headers = {};
app.use(securityHeaders(headers));
const build = await loadBuild(app);
Object.assign(headers, (await build()).entry.module.securityHeaders());
// The TCP peer's address, for rate limits: only the app decides (TRUST_PROXY) whether X-Forwarded-For counts.
app.all("*", createRequestHandler({ build, getLoadContext: (req) => ({ clientAddress: req.socket.remoteAddress }) }));

// Where to listen comes from the app's one parse of the environment (PORT, HOST).
const { port, host } = (await build()).entry.module.listenAddress();
const server = app.listen(port, host, async () => {
  console.log(`Pairwise listening on http://${host}:${port}${DEV ? " (development)" : ""}`);
  (await build()).entry.module.startBackgroundWork?.();
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    server.close();
    const { entry } = await build();
    Promise.resolve(entry.module.shutdown?.()).finally(() => process.exit(0));
  });
}
