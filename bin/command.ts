import type { ParseArgsConfig } from "node:util";
import type { OptionValues } from "./options.ts";

/** One `pairwise` subcommand: its help text, its options and what it runs. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Resolves with the exit status when it is not 0 (a result that says "no", printed as usual). */
  run(values: OptionValues): Promise<void | number>;
}
