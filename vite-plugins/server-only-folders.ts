import path from "node:path";
import type { Plugin } from "vite";

const GUARDED = /[\\/](db|reward|trainer|bin)[\\/]/;

/** db/, reward/, trainer/ and bin/ hold server code outside app/, so `.server` naming cannot guard them: fail the build instead. */
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
