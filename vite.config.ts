import { vitePlugin as remix } from "@remix-run/dev";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

/** db/, reward/ and trainer/ hold server code outside app/, so `.server` naming cannot guard them: fail the build instead. */
function serverOnlyFolders(): Plugin {
  const guarded = /\/(db|reward|trainer|bin)\//;
  return {
    name: "pairwise-server-only-folders",
    enforce: "pre",
    resolveId(source, importer, options) {
      if (options?.ssr || !importer) return null;
      const resolved = source.startsWith(".") ? new URL(source, `file://${importer}`).pathname : source;
      if (guarded.test(resolved) && !importer.includes("node_modules")) {
        throw new Error(
          `${importer} imports ${source} into the browser bundle; import server folders only from *.server.ts modules`,
        );
      }
      return null;
    },
  };
}

export default defineConfig({
  server: { port: 3000 },
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  build: { target: "es2022" },
  plugins: [
    serverOnlyFolders(),
    remix({
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
