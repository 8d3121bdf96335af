/** The accuracy tables of reward/consensus/README.md: each aggregation method on named crowds, with known truth. */
import { dawidSkene, PLAIN_DAWID_SKENE } from "../../reward/consensus/algorithms/dawid-skene.ts";
import { goldByTask, indexLabels } from "../../reward/consensus/algorithms/indexing.ts";
import { majorityVote, wawa } from "../../reward/consensus/algorithms/majority.ts";
import { simulateCrowd, type CrowdSpec } from "./label-crowds.ts";
import { CROWDS } from "./named-crowds.ts";

export const TABLE_METHODS = ["majority vote", "Wawa", "Dawid-Skene (plain)", "default"] as const;

export interface AccuracyRow {
  crowd: string;
  /** Share of non-gold tasks labelled correctly, averaged over the seeds, per method. */
  accuracy: Record<(typeof TABLE_METHODS)[number], number>;
}

/** Accuracy of each method on every crowd of `crowds` (CROWDS unless given), averaged over `seeds`. */
export function accuracyTable(seeds: number[], crowds: Record<string, CrowdSpec> = CROWDS): AccuracyRow[] {
  return Object.entries(crowds).map(([crowd, spec]) => {
    const accuracy = Object.fromEntries(TABLE_METHODS.map((m) => [m, 0])) as AccuracyRow["accuracy"];
    for (const seed of seeds) {
      const sim = simulateCrowd(spec, seed);
      const m = indexLabels(sim.answers, sim.gold.values());
      const gold = goldByTask(m, sim.gold);
      const score = (label: Int32Array) => {
        let right = 0;
        let scored = 0;
        m.taskIds.forEach((task, t) => {
          if (gold[t] >= 0) return;
          scored++;
          if (m.classIds[label[t]] === sim.truth.get(task)) right++;
        });
        return right / scored / seeds.length;
      };
      accuracy["majority vote"] += score(majorityVote(m, gold).label);
      accuracy.Wawa += score(wawa(m, gold).label);
      accuracy["Dawid-Skene (plain)"] += score(dawidSkene(m, { ...PLAIN_DAWID_SKENE, gold }).label);
      accuracy.default += score(dawidSkene(m, { gold }).label);
    }
    return { crowd, accuracy };
  });
}

export function formatAccuracyTable(rows: AccuracyRow[]): string {
  const header = `| crowd | ${TABLE_METHODS.join(" | ")} |`;
  const rule = `|---|${TABLE_METHODS.map(() => "---:").join("|")}|`;
  const line = (name: string, values: number[]) =>
    `| ${name} | ${values.map((v) => (100 * v).toFixed(1) + "%").join(" | ")} |`;
  const mean = TABLE_METHODS.map((m) => rows.reduce((s, r) => s + r.accuracy[m], 0) / rows.length);
  return [
    header,
    rule,
    ...rows.map((r) =>
      line(
        r.crowd,
        TABLE_METHODS.map((m) => r.accuracy[m]),
      ),
    ),
    line("**mean**", mean),
  ].join("\n");
}
