/**
 * `npm run bench -- pausing`: how fair the quality pause is, on simulated crowds run through the real consensus code.
 *
 * A crowd of 64 labelers works through a project the way the product serves it: every round each labeler, in a
 * random order, takes the first open item that still needs answers and that they have not answered (k = 3 per
 * item), and after every round the consensus is recomputed on all answers so far, with the same code as a project
 * run (Crowd-BT on the two responses of each item for pairwise projects, Dawid–Skene on 3 classes for label
 * projects), and the pause rule is applied to every labeler. A labeler's first pause is recorded; labelers go on
 * answering, so that the old rule (answers ≥ 10 and score < minimum) and the new one (quality-policy.ts) are judged
 * on the same answers. Each crowd: 40 labelers right 90% of the time, 12 right 80%, and 4 each of random clickers,
 * constant clickers (always the left response, or always the first class) and adversaries (right 10% of the time:
 * the worse response, or the "next" class), 100 answers each. Threshold 0.30.
 *
 * `npm run bench -- pausing [crowds]` (default 25 crowds per task type, seeds 1…).
 */
import type { StoredAnswer } from "../db/queries/consensus.ts";
import {
  goldByTask,
  LabelIndexer,
  PairIndexer,
  summarizeLabels,
  summarizePairs,
} from "../reward/consensus/algorithms/index.ts";
import { pairGold, pairRows, screenSide, screenSides } from "../reward/consensus/project-run.ts";
import {
  MIN_ANSWERS_TO_PAUSE,
  pauseEvidence,
  pauseReason,
  type PauseInput,
} from "../reward/consensus/quality-policy.ts";
import { Rng } from "../trainer/rng.ts";

export type PausingTask = "pairwise" | "label";
export type PausingKind = "good" | "random" | "constant" | "adversary";

export interface PausingGroup {
  kind: PausingKind;
  count: number;
  /** Probability of the right answer (good: e.g. 0.9; adversary: e.g. 0.1, the rest being the chosen wrong one). */
  right?: number;
}

export interface PausingSpec {
  task: PausingTask;
  groups: PausingGroup[];
  /** Answers each labeler gives (rounds). */
  answers: number;
  /** Answers wanted per item. */
  k?: number;
  /** Classes of a label project. */
  classes?: number;
  threshold?: number;
  /** Consensus runs every this many rounds (1: after every round). */
  every?: number;
}

/** Whether a rule pauses the labeler with these inputs on a project with this threshold. */
export type PauseRule = (l: PauseInput, threshold: number) => boolean;

/** The rule before issue 15: paused on the point estimate alone, from 10 answers. */
export const oldRule: PauseRule = (l, threshold) => l.answers >= MIN_ANSWERS_TO_PAUSE && l.quality < threshold;
/** The product's rule (quality-policy.ts). */
export const currentRule: PauseRule = (l, threshold) => pauseReason(l, threshold) !== null;

export const RULES = { current: currentRule, old: oldRule };

export interface PausingOutcome<R extends string = keyof typeof RULES> {
  labeler: string;
  kind: PausingKind;
  right: number;
  /** The labeler's answer count at the first run that paused them, under each rule (null: never). */
  pausedAt: Record<R, number | null>;
}

interface SimLabeler {
  id: string;
  kind: PausingKind;
  right: number;
  answered: Set<number>;
  count: number;
}

/** What a labeler answers on item `itemId` with true class `truth` (pairwise: 0 = response a is better). */
function answer(l: SimLabeler, truth: number, task: PausingTask, classes: number, rng: Rng, swapped: boolean) {
  if (task === "pairwise") {
    const better = truth === 0 ? "a" : "b";
    const worse = truth === 0 ? "b" : "a";
    if (l.kind === "random") return rng.next() < 0.5 ? "a" : "b";
    if (l.kind === "constant") return swapped ? "b" : "a"; // always the response shown on the left
    return rng.next() < l.right ? better : worse;
  }
  const pickOther = () => (truth + 1 + rng.int(classes - 1)) % classes;
  if (l.kind === "random") return `c${rng.int(classes)}`;
  if (l.kind === "constant") return "c0";
  if (l.kind === "adversary") return `c${rng.next() < l.right ? truth : (truth + 1) % classes}`;
  return `c${rng.next() < l.right ? truth : pickOther()}`;
}

/** Per-labeler pause inputs from the consensus of all answers so far, as runProjectConsensus computes them. */
function consensusInputs(task: PausingTask, answers: StoredAnswer[]): (PauseInput & { labeler: string })[] {
  const evidence = pauseEvidence(
    answers.map((a) => ({ item: String(a.itemId), labeler: a.labelerId, value: a.value })),
  );
  const none = { agreement: 0, chance: 0, weight: 0 };
  const sides =
    task === "pairwise"
      ? screenSides(answers.map((a) => ({ labelerId: a.labelerId, shown: screenSide(a.value, a.swapped) })))
      : new Map<string, undefined>();
  return modelInputs(task, answers).map((l) => ({
    ...l,
    evidence: evidence.get(l.labeler) ?? none,
    sides: sides.get(l.labeler),
  }));
}

function modelInputs(task: PausingTask, answers: StoredAnswer[]): (PauseInput & { labeler: string })[] {
  if (task === "pairwise") {
    const pairs = new PairIndexer();
    for (const r of pairRows(answers)) pairs.add(r.worker, r.left, r.right, r.label);
    return summarizePairs(pairs.finish(), pairGold(answers)).workers.map((w) => ({
      labeler: w.worker,
      quality: w.quality,
      answers: w.answers,
      agreement: w.accuracy,
      chance: w.chance,
      flags: w.flags,
    }));
  }
  const indexer = new LabelIndexer();
  for (const a of answers) indexer.add(String(a.itemId), a.labelerId, a.value);
  const m = indexer.finish();
  return summarizeLabels(m, goldByTask(m, new Map())).workers.map((w) => ({
    labeler: w.worker,
    quality: w.quality,
    answers: w.answers,
    agreement: w.accuracy,
    chance: w.chance,
    flags: w.flags,
  }));
}

/** Runs one simulated crowd (deterministic for a spec and seed). */
export function simulatePausing<R extends string = keyof typeof RULES>(
  spec: PausingSpec,
  seed: number,
  rules: Record<R, PauseRule> = RULES as Record<R, PauseRule>,
): PausingOutcome<R>[] {
  const rng = new Rng(seed);
  const k = spec.k ?? 3;
  const classes = spec.classes ?? 3;
  const threshold = spec.threshold ?? 0.3;
  const every = spec.every ?? 1;
  const labelers: SimLabeler[] = [];
  for (const g of spec.groups)
    for (let i = 0; i < g.count; i++)
      labelers.push({
        id: `w${String(labelers.length).padStart(3, "0")}`,
        kind: g.kind,
        right: g.right ?? (g.kind === "good" ? 0.9 : g.kind === "adversary" ? 0.1 : 0),
        answered: new Set(),
        count: 0,
      });
  const truth: number[] = [];
  const filled: number[] = [];
  const open: number[] = [];
  const answers: StoredAnswer[] = [];
  const names = Object.keys(rules) as R[];
  const pausedAt = new Map(
    labelers.map((l) => [l.id, Object.fromEntries(names.map((r) => [r, null])) as Record<R, number | null>]),
  );
  const order = labelers.slice();
  for (let round = 1; round <= spec.answers; round++) {
    rng.shuffle(order);
    for (const l of order) {
      let item = open.find((i) => !l.answered.has(i));
      if (item === undefined) {
        item = truth.length;
        truth.push(spec.task === "pairwise" ? rng.int(2) : rng.int(classes));
        filled.push(0);
        open.push(item);
      }
      const swapped = rng.next() < 0.5;
      answers.push({
        labelId: answers.length + 1,
        labelerId: l.id,
        itemId: item,
        value: answer(l, truth[item], spec.task, classes, rng, swapped),
        swapped,
        gold: null,
        timeSpentMs: 10_000,
        textChars: 1_000,
      });
      l.answered.add(item);
      l.count++;
      if (++filled[item] >= k) open.splice(open.indexOf(item), 1);
    }
    if (round % every !== 0 && round !== spec.answers) continue;
    const inputs = consensusInputs(spec.task, answers);
    for (const input of inputs) {
      const first = pausedAt.get(input.labeler)!;
      for (const r of names) if (first[r] === null && rules[r](input, threshold)) first[r] = input.answers;
    }
  }
  return labelers.map((l) => ({ labeler: l.id, kind: l.kind, right: l.right, pausedAt: pausedAt.get(l.id)! }));
}

/** The crowd of the benchmark (see the top of the file). */
export const BENCH_CROWD: PausingGroup[] = [
  { kind: "good", count: 40, right: 0.9 },
  { kind: "good", count: 12, right: 0.8 },
  { kind: "random", count: 4 },
  { kind: "constant", count: 4 },
  { kind: "adversary", count: 4, right: 0.1 },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/** "median / 90th percentile (never: n)" of the answers at which a group was paused. */
function whenPaused(outcomes: PausingOutcome[], rule: keyof typeof RULES): string {
  const at = outcomes.map((o) => o.pausedAt[rule]);
  const paused = at.filter((x): x is number => x !== null).sort((a, b) => a - b);
  const never = at.length - paused.length;
  // Never-paused labelers count as later than any answer count when taking percentiles.
  const all = [...paused, ...Array<number>(never).fill(Infinity)];
  const show = (x: number) => (x === Infinity ? "never" : String(x));
  return `${show(percentile(all, 0.5))} / ${show(percentile(all, 0.9))}${never ? ` (never: ${never} of ${at.length})` : ""}`;
}

function perTwoHundred(outcomes: PausingOutcome[], rule: keyof typeof RULES): string {
  const paused = outcomes.filter((o) => o.pausedAt[rule] !== null).length;
  return `${((200 * paused) / outcomes.length).toFixed(2)} (${paused} of ${outcomes.length})`;
}

export async function run(args: string[]): Promise<void> {
  const crowds = Number(args[0] ?? 25);
  const answers = 100;
  console.log(`${crowds} crowds of 64 per task type, ${answers} answers each, k = 3, minimum 0.30\n`);
  for (const task of ["pairwise", "label"] as const) {
    const started = performance.now();
    const outcomes: PausingOutcome[] = [];
    for (let seed = 1; seed <= crowds; seed++)
      outcomes.push(...simulatePausing({ task, groups: BENCH_CROWD, answers }, seed));
    const group = (kind: PausingKind, right?: number) =>
      outcomes.filter((o) => o.kind === kind && (right === undefined || o.right === right));
    console.log(`## ${task} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    console.log("| measure | old rule | new rule |\n|---|---|---|");
    for (const right of [0.9, 0.8])
      console.log(
        `| ${Math.round(right * 100)}%-right labelers paused per 200 | ${perTwoHundred(group("good", right), "old")} | ${perTwoHundred(group("good", right), "current")} |`,
      );
    for (const kind of ["random", "constant", "adversary"] as const)
      console.log(
        `| ${kind}: paused after answers, median / p90 | ${whenPaused(group(kind), "old")} | ${whenPaused(group(kind), "current")} |`,
      );
    console.log("");
  }
}
