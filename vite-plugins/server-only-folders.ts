import path from "node:path";
import type { Plugin } from "vite";

/** Every top-level folder of server code (see the README's Layout). */
const GUARDED = /^(config|db|accounts|datasets|labeling|reward|trainer|jobs|bin)[\\/]/;

/**
 * The server folders hold code outside app/, so `.server` naming cannot guard them: fail the build when browser
 * code imports one. Paths are taken relative to the project root, so a package folder named `config/` is no match.
 */
export function serverOnlyFolders(root = process.cwd()): Plugin {
  return {
    name: "pairwise-server-only-folders",
    enforce: "pre",
    configResolved(config) {
      root = config.root;
    },
    resolveId(source, importer, options) {
      // Server builds may import them; so may the dependency scan, which crawls every route module whole, and the
      // dev server's lookups of server modules by URL (from index.html, to collect a page's styles).
      const scan = (options as { scan?: boolean } | undefined)?.scan; // set by Vite's dependency scanner
      if (options?.ssr || scan || !importer || importer.includes("node_modules")) return null;
      if (importer.endsWith("index.html")) return null;
      const resolved = source.startsWith(".")
        ? path.resolve(path.dirname(importer), source)
        : source.startsWith(root)
          ? source
          : path.resolve(root, source.replace(/^\//, "")); // a bare name, or a URL from the site's root
      const relative = path.relative(root, resolved);
      if (GUARDED.test(relative)) {
        throw new Error(
          `${importer} imports ${source} into the browser bundle; import server folders only from *.server.ts modules`,
        );
      }
      return null;
    },
  };
}
