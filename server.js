// Production server: builds the app when the build is missing or older than the sources, then serves it.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";

process.env.NODE_ENV ??= "production";
const BUILD = path.resolve("build/server/index.js");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

const stale =
  !existsSync(BUILD) ||
  Math.max(...["app", "db", "reward", "trainer", "public"].filter(existsSync).map(newestMtime)) > statSync(BUILD).mtimeMs;
if (stale) {
  console.log("Building the app…");
  execFileSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], { stdio: "inherit" });
}

const build = await import(BUILD);
const app = express();
app.disable("x-powered-by");
app.use(compression({ filter: (req, res) => !req.path.includes("/export") && compression.filter(req, res) }));
app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
app.use(express.static("build/client", { maxAge: "1h" }));
app.all("*", createRequestHandler({ build }));

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, () => {
  console.log(`Pairwise listening on http://localhost:${port}`);
  build.entry.module.startBackgroundWork?.();
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    server.close();
    Promise.resolve(build.entry.module.shutdown?.()).finally(() => process.exit(0));
  });
}
