import { PassThrough } from "node:stream";
import type { EntryContext, HandleDocumentRequestFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { availableParallelism } from "node:os";
import { appProcesses, env } from "../config/env.ts";
import { removeOrphanSpools } from "../datasets/index.ts";
import { NonceContext } from "./utils/nonce.ts";
import { newNonce, pageHeaders, securityHeaders } from "./utils/security-headers.server.ts";
import { closePlatform, services } from "./utils/services.server.ts";
import { closeDb } from "./utils/db.server.ts";
import { startJobWorker } from "../jobs/worker.ts";
import { handleTaskRequest } from "./utils/labeler-tasks.server.ts";

export const streamTimeout = 5_000;

let stopJobWorker: (() => Promise<void>) | undefined;

/** Called by server.js once it listens: background work (consensus runs, training, payout epochs). */
export function startBackgroundWork() {
  // Spool files of uploads a crashed process was validating.
  void removeOrphanSpools().then((n) => n > 0 && console.log(`removed ${n} orphaned upload spool file(s)`));
  stopJobWorker ??= startJobWorker(services);
}

/** Where server.js listens (PORT, HOST), from the one parse of the environment. */
export function listenAddress() {
  return { port: env.PORT, host: env.HOST };
}

/** How many app processes server.js runs (config/env.ts appProcesses). */
export function processPlan() {
  return appProcesses(env, availableParallelism());
}

/** Called by server.js on SIGINT/SIGTERM: lets a running job finish its step, then PGlite flushes its files. */
export async function shutdown() {
  await stopJobWorker?.();
  await closePlatform();
  await closeDb();
}

/**
 * Routes server.js serves itself, ahead of Remix's routing (whose per-request route matching costs more than the
 * labeler API's whole answer path); each has a Remix route too, which calls the same handler.
 */
export const directRoutes = [
  {
    method: "post",
    path: "/api/v1/projects/:projectId/tasks",
    handle: (request: Request, params: Record<string, string>) => handleTaskRequest(request, params.projectId),
  },
] as const;

/** The headers server.js puts on every response that does not set them itself (API, resource routes, files). */
export { securityHeaders };

const handleRequest: HandleDocumentRequestFunction = (
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) => {
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  // Each page gets its own nonce: its inline scripts carry it, and its Content-Security-Policy allows only those.
  const nonce = newNonce();
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const page = (
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </NonceContext.Provider>
    );
    const { pipe, abort } = renderToPipeableStream(page, {
      nonce,
      [readyEvent]() {
        shellRendered = true;
        const body = new PassThrough();
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        for (const [k, v] of Object.entries(pageHeaders(nonce))) responseHeaders.set(k, v);
        resolve(
          new Response(createReadableStreamFromReadable(body), {
            headers: responseHeaders,
            status: responseStatusCode,
          }),
        );
        pipe(body);
      },
      onShellError(error: unknown) {
        reject(error);
      },
      onError(error: unknown) {
        responseStatusCode = 500;
        if (shellRendered) console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
};

export default handleRequest;
