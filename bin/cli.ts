import { parseArgs } from "node:util";
import { CliError } from "./cli-error.ts";
import type { Command } from "./command.ts";

const loaders: Record<string, () => Promise<{ command: Command }>> = {
  aggregate: () => import("./commands/aggregate.ts"),
  payout: () => import("./commands/payout.ts"),
  "verify-payout": () => import("./commands/verify-payout.ts"),
  seed: () => import("./commands/seed.ts"),
  train: () => import("./commands/train.ts"),
  eval: () => import("./commands/eval.ts"),
  score: () => import("./commands/score.ts"),
};

function topHelp(commands: Command[]) {
  return [
    "usage: pairwise <command> [options]",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(13)} ${c.summary}`),
    "",
    "Run `pairwise <command> --help` for a command's options.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === "--help" || name === "-h" || name === "help") {
      const commands = await Promise.all(Object.values(loaders).map(async (l) => (await l()).command));
      console.log(topHelp(commands));
      return name ? 0 : 1;
    }
    const load = loaders[name];
    if (!load) throw new CliError(`unknown command "${name}" (try --help)`);
    const { command } = await load();
    const { values } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      console.log(command.usage);
      return 0;
    }
    return (await command.run(values)) ?? 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const known = error instanceof CliError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    console.error(`pairwise ${name ?? ""}: ${known ? message : `unexpected error: ${message}`}`.replace(/\n/g, " "));
    if (!known && process.env.DEBUG) console.error(error);
    return 1;
  }
}
