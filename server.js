// The app's HTTP server. `npm start`: builds the app when the build is missing or older than the sources, then
// serves it, in as many processes as the configuration allows (see appProcesses in config/env.ts): on PostgreSQL with
// an RPC chain, WEB_CONCURRENCY node:cluster web processes sharing the port and one process for the background jobs
// (consensus runs, training, payouts), so a long fit never stalls a request; otherwise one process doing both.
// `npm run dev`: one process with Vite in middleware mode (hot reload). Jobs, rate limits and watermarks live in the
// database, so every process sees the same.
import { execFileSync } from "node:child_process";
import cluster from "node:cluster";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
// Backpressure, aborts and early answers to request bodies: see server/request-handler.js.
import { createDirectHandler, createRequestHandler } from "./server/request-handler.js";
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

/** The built bundle, built first when it is missing or older than the sources. */
async function productionBuild() {
  const stale =
    !existsSync(BUILD) || Math.max(...SOURCES.filter(existsSync).map(newestMtime)) > statSync(BUILD).mtimeMs;
  if (stale) {
    console.log("Building the app…");
    execFileSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], { stdio: "inherit" });
  }
  return import(BUILD);
}

/** The server build: Vite's live module graph in development, the built bundle (rebuilt when stale) otherwise. */
async function loadBuild(app) {
  if (DEV) {
    const vite = await import("vite");
    const viteDevServer = await vite.createServer({ server: { middlewareMode: true } });
    app.use(viteDevServer.middlewares);
    return () => viteDevServer.ssrLoadModule("virtual:remix/server-build");
  }
  const build = await productionBuild();
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

/** A cluster worker's part (PAIRWISE_PROCESS, set by supervise): "web" or "jobs"; one process alone does both. */
const ROLE = cluster.isWorker ? process.env.PAIRWISE_PROCESS : "both";

/** The process that runs the background jobs and serves nothing. */
async function runJobs() {
  const build = await productionBuild();
  build.entry.module.startBackgroundWork();
  console.log(`Pairwise background jobs running (process ${cluster.worker.id})`);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => Promise.resolve(build.entry.module.shutdown()).finally(() => process.exit(0)));
  }
}

/** One app process: the HTTP server, and the background worker unless a process of its own runs it. */
async function serve(plan) {
  const app = express();
  app.disable("x-powered-by");
  const headers = {};
  app.use(securityHeaders(headers));
  const build = await loadBuild(app);
  Object.assign(headers, (await build()).entry.module.securityHeaders());
  for (const [index, route] of (await build()).entry.module.directRoutes.entries())
    app[route.method](
      route.path,
      createDirectHandler(async () => (await build()).entry.module.directRoutes[index]),
    );
  // The TCP peer's address, for rate limits: only the app decides (TRUST_PROXY) whether X-Forwarded-For counts.
  app.all("*", createRequestHandler({ build, getLoadContext: (req) => ({ clientAddress: req.socket.remoteAddress }) }));

  // Where to listen comes from the app's one parse of the environment (PORT, HOST).
  const { port, host } = (await build()).entry.module.listenAddress();
  const server = app.listen(port, host, async () => {
    const which = cluster.isWorker ? ` (process ${cluster.worker.id})` : plan ? ` (${plan.reason})` : "";
    console.log(`Pairwise listening on http://${host}:${port}${DEV ? " (development)" : ""}${which}`);
    if (ROLE === "both") (await build()).entry.module.startBackgroundWork();
  });

  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, async () => {
      server.close();
      const { entry } = await build();
      Promise.resolve(entry.module.shutdown?.()).finally(() => process.exit(0));
    });
  }
}

/** The primary of several processes: starts them, replaces one that dies in its part, and stops them all on a signal. */
function supervise(plan) {
  console.log(`Pairwise: ${plan.reason}`);
  let stopping = false;
  const roles = new Map();
  const start = (role) => roles.set(cluster.fork({ PAIRWISE_PROCESS: role }).id, role);
  for (let i = 0; i < plan.count; i++) start("web");
  start("jobs");
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    const role = roles.get(worker.id);
    roles.delete(worker.id);
    console.error(`app process ${worker.id} (${role}) exited (${signal ?? code}); starting another`);
    start(role);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    });
  }
}

const plan = DEV || cluster.isWorker ? null : (await productionBuild()).entry.module.processPlan();
if (plan?.separateJobs) supervise(plan);
else if (ROLE === "jobs") await runJobs();
else await serve(plan);
