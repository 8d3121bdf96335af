import { describe, expect, it } from "vitest";
import { serverOnlyFolders } from "../../vite-plugins/server-only-folders.ts";

const resolveId = serverOnlyFolders("/work/x").resolveId as (
  source: string,
  importer?: string,
  options?: { ssr?: boolean },
) => unknown;

describe("server folders never reach the browser bundle", () => {
  it("fails a client build that imports any server folder", () => {
    for (const source of [
      "../../db/client.ts",
      "../../reward/consensus/algorithms/index.ts",
      "/work/x/trainer/train.ts",
      "../../bin/cli.ts",
      "../../config/env.ts",
      "../../jobs/worker.ts",
      "../../datasets/index.ts",
      "../../labeling/answers.ts",
      "../../accounts/passwords.ts",
      "/db/queries/identity.ts",
    ]) {
      expect(() => resolveId(source, "/work/x/app/components/chart.tsx", { ssr: false })).toThrow(/browser bundle/);
    }
  });

  it("lets the server build and app-internal imports through", () => {
    expect(resolveId("../../db/client.ts", "/work/x/app/utils/db.server.ts", { ssr: true })).toBeNull();
    expect(resolveId("./progress-bar.tsx", "/work/x/app/components/upload.tsx", { ssr: false })).toBeNull();
    expect(resolveId("react", "/work/x/app/root.tsx", { ssr: false })).toBeNull();
  });

  it("matches folders from the project root only, and ignores the dev server's style lookups", () => {
    // A package's own config/ folder is not ours (the dev server logged this on every page before).
    const entry = "/work/x/node_modules/@remix-run/dev/dist/config/defaults/entry.client.tsx";
    expect(resolveId(entry, "/work/x/app/root.tsx", { ssr: false })).toBeNull();
    expect(resolveId("/db/queries/identity.ts", "/work/x/index.html", { ssr: false })).toBeNull();
  });
});
