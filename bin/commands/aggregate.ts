import {
  ConsensusInputError,
  goldByTask,
  type GoldComparison,
  type LabelIndexer,
  type PairIndexer,
  summarizeLabels,
  summarizePairs,
} from "../../reward/consensus/algorithms/index.ts";
import { readAggregateInput, readGold, readPairGold } from "../aggregate-input.ts";
import type { Command } from "../command.ts";
import { CliError } from "../cli-error.ts";
import { requiredString, writeOutputFile, writeStdout } from "../options.ts";

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function aggregateLabelsOutput(answers: LabelIndexer, gold: Map<string, string> | undefined) {
  const m = answers.finish(gold?.values() ?? []);
  const s = summarizeLabels(m, goldByTask(m, gold));
  return {
    kind: s.kind,
    method: s.method,
    classes: s.classes,
    iterations: s.iterations,
    converged: s.converged,
    agreement: { krippendorffAlpha: round(s.agreement.krippendorffAlpha), fleissKappa: round(s.agreement.fleissKappa) },
    confidenceHistogram: s.confidenceHistogram,
    tasks: s.tasks.map((t) => ({
      task: t.task,
      label: t.label,
      confidence: round(t.confidence),
      answers: t.answers,
      ...(t.gold ? { gold: true } : {}),
    })),
    workers: s.workers.map((w) => ({
      worker: w.worker,
      quality: round(w.quality),
      answers: w.answers,
      accuracy: round(w.accuracy),
      chance: round(w.chance),
      kappa: round(w.kappa),
      goldAnswered: w.goldAnswered,
      goldCorrect: w.goldCorrect,
      flags: w.flags,
    })),
  };
}

function aggregatePairsOutput(answers: PairIndexer, gold: GoldComparison[]) {
  const s = summarizePairs(answers.finish(), gold);
  return {
    kind: s.kind,
    iterations: s.iterations,
    converged: s.converged,
    items: s.items.map((i) => ({ item: i.item, score: round(i.score) })),
    workers: s.workers.map((w) => ({
      worker: w.worker,
      quality: round(w.quality),
      answers: w.answers,
      ties: w.ties,
      accuracy: round(w.accuracy),
      chance: round(w.chance),
      kappa: round(w.kappa),
      leftShare: round(w.leftShare),
      reliability: round(w.reliability),
      positionBias: round(w.positionBias),
      flags: w.flags,
    })),
  };
}

/** Parses, aggregates and serialises: everything `aggregate` does except writing the result. */
export async function aggregateFile(inputFile: string, goldFile?: string): Promise<string> {
  const input = await readAggregateInput(inputFile);
  try {
    const result =
      input.kind === "labels"
        ? aggregateLabelsOutput(input.answers, goldFile ? await readGold(goldFile) : undefined)
        : aggregatePairsOutput(input.answers, goldFile ? await readPairGold(goldFile) : []);
    return JSON.stringify(result) + "\n";
  } catch (error) {
    if (error instanceof ConsensusInputError) throw new CliError(`${inputFile}: ${error.message}`);
    throw error;
  }
}

export const command: Command = {
  name: "aggregate",
  summary: "consensus labels or item scores, and a quality score per labeler",
  usage: `usage: pairwise aggregate --input FILE [--gold FILE] [--out FILE]

Estimates the consensus from crowd answers and how far each labeler can be trusted.

  --input FILE  CSV (with a header row) or JSON Lines; the format comes from the extension
                (.csv, .jsonl, .ndjson) or, failing that, from the first character.
                Labels or ratings: columns task,worker,label  -> Dawid-Skene consensus per task
                Pairwise:          columns worker,left,right,label with label left, right or tie
                                   -> Bradley-Terry score per item (labeler reliability, position bias)
  --gold FILE   known answers: task,label for labels; left,right,label for pairwise input (the known
                outcome of that comparison pins both items' scores)
  --out FILE    write the JSON here instead of standard output

Output (JSON): labels -> {"tasks":[{"task","label","confidence"}],"workers":[{"worker","quality"}]}
               pairs  -> {"items":[{"item","score"}],"workers":[{"worker","quality"}]}
with further fields explaining each quality score (answers, accuracy, chance, kappa, gold, flags).`,
  options: {
    input: { type: "string" },
    gold: { type: "string" },
    out: { type: "string" },
  },
  async run(values) {
    const input = requiredString(values, "input", "FILE");
    const gold = typeof values.gold === "string" ? values.gold : undefined;
    const json = await aggregateFile(input, gold);
    if (typeof values.out === "string") await writeOutputFile(values.out, json);
    else await writeStdout(json);
  },
};
