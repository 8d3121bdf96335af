import { vitePlugin as remix } from "@remix-run/dev";
import { fileURLToPath } from "node:url";
import { flatRoutes } from "remix-flat-routes";
import { defineConfig } from "vite";
import { serverOnlyFolders } from "./vite-plugins/server-only-folders.ts";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  server: { port: 3000 },
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  build: { target: "es2022" },
  plugins: [
    serverOnlyFolders(),
    remix({
      // Routes are grouped by area in `+` folders (remix-flat-routes), e.g. routes/api.v1+/projects.ts.
      ignoredRouteFiles: ["**/*"],
      routes: (defineRoutes) => flatRoutes("routes", defineRoutes),
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
});
