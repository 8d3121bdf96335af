import { PassThrough } from "node:stream";
import type { EntryContext, HandleDocumentRequestFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { closePlatform, services } from "./utils/services.server.ts";
import { closeDb } from "./utils/db.server.ts";
import { startJobWorker } from "../jobs/worker.ts";

export const streamTimeout = 5_000;

let stopJobWorker: (() => Promise<void>) | undefined;

/** Called by server.js once it listens: background work (consensus runs, training, payout epochs). */
export function startBackgroundWork() {
  stopJobWorker ??= startJobWorker(services);
}

/** Called by server.js on SIGINT/SIGTERM: lets a running job finish its step, then PGlite flushes its files. */
export async function shutdown() {
  await stopJobWorker?.();
  await closePlatform();
  await closeDb();
}

const securityHeaders: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
};

const handleRequest: HandleDocumentRequestFunction = (
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) => {
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [readyEvent]() {
        shellRendered = true;
        const body = new PassThrough();
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        for (const [k, v] of Object.entries(securityHeaders)) responseHeaders.set(k, v);
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
