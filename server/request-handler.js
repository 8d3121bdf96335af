// The Remix request handler server.js mounts on express: @remix-run/express's, with the two ends of the body made
// safe for a server that must never let one client exhaust it.
// - The response body is written with backpressure (the next chunk is pulled only once the socket took the last
//   one) and is cancelled when the client goes away, so a streamed export stops querying instead of buffering
//   itself into memory for a client that reads slowly or not at all.
// - The request body is read only as fast as the app asks for it, and when the app stops early (a body over a
//   limit, a refusal) the request is not destroyed: the answer is sent, the rest of the body is read and dropped
//   (for LINGER_MS at most) and the connection then carries on, so the client gets a 413 instead of a reset.
/* global Headers, Request, ReadableStream, ByteLengthQueuingStrategy -- Node 20 globals (fetch and web streams) */
import { createRequestHandler as createRemixRequestHandler } from "@remix-run/node";

/** How long, at most, the unread rest of a request body is drained after the answer before the socket is closed. */
export const LINGER_MS = 30_000;
/** Bytes of request body read ahead of the app. */
const REQUEST_HIGH_WATER_MARK = 64 * 1024;

/**
 * Same options as @remix-run/express's createRequestHandler.
 * @param {{ build: any, getLoadContext?: (req: import("express").Request, res: import("express").Response) => unknown, mode?: string }} options
 * @returns {import("express").RequestHandler}
 */
export function createRequestHandler({ build, getLoadContext, mode = process.env.NODE_ENV }) {
  const handleRequest = createRemixRequestHandler(build, mode);
  return async (req, res, next) => {
    try {
      const request = createRequest(req, res);
      const loadContext = await getLoadContext?.(req, res);
      const response = await handleRequest(request, /** @type {any} */ (loadContext));
      await sendResponse(req, res, response);
    } catch (error) {
      next(error);
    }
  };
}

/**
 * An express handler for one of the app's direct routes (entry.server's directRoutes): the same Request and
 * Response handling as Remix's, without its routing. `route` is looked up on each request (Vite reloads it).
 * @param {() => Promise<{ handle: (request: Request, params: Record<string, string>) => Promise<Response> }>} route
 * @returns {import("express").RequestHandler}
 */
export function createDirectHandler(route) {
  return async (req, res, next) => {
    try {
      const response = await (await route()).handle(createRequest(req, res), req.params);
      await sendResponse(req, res, response);
    } catch (error) {
      next(error);
    }
  };
}

/**
 * The web Request for an express request (URL and headers as @remix-run/express makes them), its signal aborted
 * when the client goes away before the answer is complete.
 * @param {import("express").Request} req
 * @param {import("express").Response} res
 * @returns {Request}
 */
export function createRequest(req, res) {
  const [, forwardedPort] = req.get("X-Forwarded-Host")?.split(":") ?? [];
  const [, hostPort] = req.get("host")?.split(":") ?? [];
  const port = [forwardedPort, hostPort].map((p) => Number.parseInt(p, 10)).find(Number.isSafeInteger) ?? "";
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
  const controller = new AbortController();
  const headers = new Headers();
  for (const [key, values] of Object.entries(req.headers)) {
    if (Array.isArray(values)) for (const value of values) headers.append(key, value);
    else if (values) headers.set(key, values);
  }
  /** @type {RequestInit & { duplex?: "half" }} */
  const init = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = requestBody(req);
    init.duplex = "half";
  }
  let answered = false;
  res.on("finish", () => (answered = true));
  res.on("close", () => answered || controller.abort());
  return new Request(url.href, init);
}

/**
 * The request body as a web stream that reads from the socket only while the app wants more. Cancelling it (the
 * app refused the body) stops reading without destroying the request, so the answer can still be sent.
 * @param {import("express").Request} req
 * @returns {ReadableStream<Uint8Array>}
 */
function requestBody(req) {
  let done = false;
  /** @type {(chunk: Buffer) => void} */
  let onData = () => {};
  const stop = () => {
    done = true;
    req.off("data", onData);
  };
  return new ReadableStream(
    {
      start(controller) {
        onData = (chunk) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        };
        req.on("data", onData);
        req.once("end", () => done || (stop(), controller.close()));
        req.once("error", (error) => done || (stop(), controller.error(error)));
        req.once("close", () => done || (stop(), controller.error(new Error("the request was aborted"))));
      },
      pull() {
        if (!done) req.resume();
      },
      cancel() {
        stop();
        req.pause();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: REQUEST_HIGH_WATER_MARK }),
  );
}

/**
 * Writes a web Response to the express response: status and headers, then the body with backpressure, cancelling
 * the body when the client goes away (resolving once the cancel is done, so the producer has stopped). A request
 * body the app left unread is drained once the answer is out.
 * @param {import("express").Request} req
 * @param {import("express").Response} res
 * @param {Response} response
 * @param {{ lingerMs?: number }} [options]
 */
export async function sendResponse(req, res, response, { lingerMs = LINGER_MS } = {}) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [key, value] of response.headers.entries()) res.append(key, value);
  if (/text\/event-stream/i.test(response.headers.get("Content-Type") ?? "")) res.flushHeaders();
  res.once("finish", () => drainUnreadBody(req, lingerMs));
  if (response.body) await writeBody(response.body, res);
  else res.end();
}

/**
 * @param {ReadableStream<Uint8Array>} body
 * @param {import("express").Response} res
 */
async function writeBody(body, res) {
  const reader = body.getReader();
  /** @type {Promise<void> | null} */
  let cancelled = null;
  const cancel = () => (cancelled ??= reader.cancel().catch(() => {}));
  const onClose = () => res.writableFinished || cancel();
  res.on("close", onClose);
  try {
    for (;;) {
      if (res.destroyed) cancel();
      if (cancelled) break;
      const { done, value } = await reader.read();
      if (cancelled) break;
      if (done) {
        res.end();
        break;
      }
      const more = res.write(value);
      /** @type {{ flush?: () => void }} */ (/** @type {unknown} */ (res)).flush?.();
      if (!more) await writable(res);
    }
  } catch (error) {
    res.destroy(/** @type {Error} */ (error));
    throw error;
  } finally {
    res.off("close", onClose);
  }
  await cancelled;
}

/**
 * Resolves once the response can take more (drain), or is gone.
 * @param {import("express").Response} res
 * @returns {Promise<void>}
 */
function writable(res) {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * After an answer sent before the request body was fully read: reads and drops the rest (the client, still sending,
 * then reads the answer rather than a reset), closing the socket if that takes longer than `lingerMs`.
 * @param {import("express").Request} req
 * @param {number} lingerMs
 */
function drainUnreadBody(req, lingerMs) {
  if (req.complete || req.destroyed) return;
  const timer = setTimeout(() => req.socket?.destroy(), lingerMs);
  timer.unref();
  const stop = () => clearTimeout(timer);
  req.once("end", stop);
  req.once("close", stop);
  req.removeAllListeners("data");
  req.on("data", () => {});
  req.resume();
}
