// `npm run bench -- <name>` runs bench/<name>.ts; with no name, lists them.
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts" && !f.startsWith("_"))
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join("|")}>`);
  process.exit(name ? 1 : 0);
}
const mod = (await import(`./${name}.ts`)) as { run(args: string[]): Promise<void> };
await mod.run(process.argv.slice(3));
