import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createRequest, sendResponse } from "../../server/request-handler.js";

/** What the test server hands each route: the web Request, and the live express response for inspection. */
export type Route = (request: Request, res: express.Response) => Promise<Response>;

/**
 * A real HTTP server (express on a random port) that turns requests into web Requests and writes route Responses
 * back the way server.js does (server/request-handler.js), so what sockets see (resets, backpressure, aborts) is tested, not just Responses.
 * `settled()` waits until every request it has taken is fully handled (the response written or given up).
 */
export async function serve(route: Route) {
  const app = express();
  const pending = new Set<Promise<void>>();
  app.all("*", (req, res, next) => {
    const done = (async () => {
      const request = createRequest(req, res);
      const response = await route(request, res);
      await sendResponse(req, res, response);
    })().catch(next);
    pending.add(done);
    void done.finally(() => pending.delete(done));
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    settled: async () => {
      while (pending.size) await Promise.allSettled([...pending]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Request body bytes the client managed to send. */
  sent: number;
}

/**
 * POSTs `chunks` with chunked transfer encoding (no Content-Length), like a browser streaming a file: it keeps
 * sending every chunk even after the response has started, then reads the whole response. Rejects on a reset.
 */
export function postChunked(
  url: string,
  chunks: Iterable<Uint8Array>,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = http.request(url, { method: "POST", headers: { ...headers, "Transfer-Encoding": "chunked" } });
    req.on("error", reject);
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sent }));
    });
    void (async () => {
      for (const chunk of chunks) {
        if (req.destroyed) return;
        sent += chunk.byteLength;
        if (!req.write(chunk))
          await new Promise<void>((resolve) => {
            const done = () => (req.off("drain", done), req.off("close", done), resolve());
            req.on("drain", done).on("close", done);
          });
      }
      req.end();
    })();
  });
}
