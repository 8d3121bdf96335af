import { env } from "../../config/env.ts";
import { payoutContext } from "../../jobs/services.ts";
import { EpochNotOverError, parseEpochId, previousEpoch } from "../../reward/tokens/payouts/epochs.ts";
import { runPayout, type PayoutStep } from "../../reward/tokens/payouts/executor.ts";
import type { Command } from "../command.ts";
import { CliError } from "../cli-error.ts";
import { openConfiguredServices } from "../open-db.ts";

/**
 * Fault injection for the crash test: PAIRWISE_CRASH_AT=step[:n] kills this process with SIGKILL the n-th time
 * (default first) the executor reaches that step, exactly as a power cut would.
 */
function crashHook(spec: string | undefined): ((step: PayoutStep) => void) | undefined {
  if (!spec) return undefined;
  const [step, nth = "1"] = spec.split(":");
  let seen = 0;
  return (reached) => {
    if (reached === step && ++seen === Number(nth)) process.kill(process.pid, "SIGKILL");
  };
}

export const command: Command = {
  name: "payout",
  summary: "pay an epoch's earnings in the platform token (exactly once, batched)",
  usage: `usage: pairwise payout [--epoch YYYY-MM-DD] [--dry-run]

Pays labelers for the answers they gave in one daily epoch (UTC; default: yesterday): reward per label times
their quality weight on each project, never beyond a project's remaining budget. Labelers without a linked
wallet accrue; they are paid by the first payout after they link one. Safe to re-run at any time: it finishes
whatever an interrupted run started and pays nobody twice.

  --epoch ID   the UTC day to pay, e.g. 2026-11-23
  --dry-run    print what would be paid without writing or sending anything

Output (JSON): {"epoch","labelers":[{"labelerId","amount"}],"transactions":[{"batch","signature","recipients","total","status"}],
"awaitingWallet","awaitingWalletAmount"}: amounts in base units; awaitingWallet counts the labelers without a
linked wallet, awaitingWalletAmount is what they are owed.
Chain: the embedded LiteSVM chain under DATA_DIR/chain, or SOLANA_RPC_URL with PAIRWISE_MINT and TREASURY_KEYPAIR.`,
  options: {
    epoch: { type: "string" },
    "dry-run": { type: "boolean" },
  },
  async run(values) {
    let epoch;
    try {
      epoch = typeof values.epoch === "string" ? parseEpochId(values.epoch) : previousEpoch(new Date());
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const opened = await openConfiguredServices();
    try {
      const ctx = { ...(await payoutContext(opened.services)), onStep: crashHook(env.PAIRWISE_CRASH_AT) };
      const summary = await runPayout(ctx, { epoch, dryRun: values["dry-run"] === true }).catch((error) => {
        if (error instanceof EpochNotOverError) throw new CliError(error.message);
        throw error;
      });
      console.log(JSON.stringify(summary));
    } finally {
      await opened.close();
    }
  },
};
