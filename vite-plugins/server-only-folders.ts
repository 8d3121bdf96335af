import path from "node:path";
import type { Plugin } from "vite";

/** Every top-level folder of server code (see the README's Layout). */
const GUARDED = /[\\/](config|db|datasets|labeling|reward|trainer|jobs|bin)[\\/]/;

/** The server folders hold code outside app/, so `.server` naming cannot guard them: fail the build instead. */
export function serverOnlyFolders(): Plugin {
  return {
    name: "pairwise-server-only-folders",
    enforce: "pre",
    resolveId(source, importer, options) {
      if (options?.ssr || !importer || importer.includes("node_modules")) return null;
      const resolved = source.startsWith(".") ? path.resolve(path.dirname(importer), source) : source;
      if (GUARDED.test(resolved)) {
        throw new Error(`${importer} imports ${source} into the browser bundle; import server folders only from *.server.ts modules`);
      }
      return null;
    },
  };
}
