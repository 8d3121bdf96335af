import { createRequestHandler, type ServerBuild } from "@remix-run/node";

/**
 * The app's real Remix request handler (route matching, missing loaders and actions, the document entry) built by
 * Vite's SSR loader from the sources, without a server or a production build. Call after bootApp(): the route
 * modules Vite loads find the test database and chain in the same global slots.
 */
export async function remixHandler(): Promise<{
  handle: (request: Request) => Promise<Response>;
  close: () => Promise<void>;
}> {
  const vite = await import("vite");
  const server = await vite.createServer({
    server: { middlewareMode: true, hmr: false, watch: null },
    appType: "custom",
    logLevel: "silent",
  });
  const build = (await server.ssrLoadModule("virtual:remix/server-build")) as ServerBuild;
  const handler = createRequestHandler(build, "production");
  return { handle: (request) => handler(request), close: () => server.close() };
}
