import type { Db } from "../../db/client.ts";
import {
  consensusIsStale,
  loadFormAnswers,
  loadProjectAnswers,
  saveConsensus,
  type FormStoredAnswer,
  type ItemConsensusRow,
  type LabelerQualityRow,
  type QuestionConsensusRow,
  type StoredAnswer,
} from "../../db/queries/consensus.ts";
import type { FormAnswers, Question, QuestionConsensus } from "../../db/schema/index.ts";
import { getProject } from "../../db/queries/projects.ts";
import { pauseEvidence, pauseReason, type PauseEvidence } from "./quality-policy.ts";
import { NotFoundError } from "../../db/errors.ts";
import { detectAbuse, type TimedAnswer } from "./abuse.ts";
import { formConsensus } from "./form-run.ts";
import { consensusAnswer, screenKey } from "./form-screen.ts";
import {
  confidenceHistogram,
  ConsensusInputError,
  fleissKappa,
  goldByTask,
  krippendorffAlpha,
  LabelIndexer,
  PairIndexer,
  summarizeLabels,
  summarizePairs,
  type GoldComparison,
} from "./algorithms/index.ts";

export type ConsensusOutcome =
  | { status: "done"; runId: number; items: number; labelers: number; paused: string[]; krippendorffAlpha: number }
  | { status: "skipped"; reason: string };

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The response a pairwise answer preferred, as the labeler saw it: the left or the right one, or neither. */
export function screenSide(value: string, swapped: boolean): string {
  if (value === "a") return swapped ? "right" : "left";
  if (value === "b") return swapped ? "left" : "right";
  return value;
}

/**
 * The answers of a pairwise project in the CLI's pair format: the two responses of item 7 are "7:a" and "7:b",
 * left is the one shown on the left, and a tie or "both bad" prefers neither.
 */
export function pairRows(answers: readonly StoredAnswer[]) {
  return answers.map((a) => {
    const [left, right] = a.swapped ? [`${a.itemId}:b`, `${a.itemId}:a`] : [`${a.itemId}:a`, `${a.itemId}:b`];
    const side = screenSide(a.value, a.swapped);
    return { worker: a.labelerId, left, right, label: side === "left" || side === "right" ? side : "tie" };
  });
}

function medians(answers: readonly StoredAnswer[]): Map<string, number> {
  const times = new Map<string, number[]>();
  for (const a of answers) {
    const list = times.get(a.labelerId);
    if (list) list.push(a.timeSpentMs);
    else times.set(a.labelerId, [a.timeSpentMs]);
  }
  return new Map([...times].map(([id, t]) => [id, t.sort((x, y) => x - y)[t.length >> 1]]));
}

function agreementOf(answers: readonly StoredAnswer[]) {
  const m = new LabelIndexer();
  for (const a of answers) m.add(String(a.itemId), a.labelerId, a.value);
  const matrix = m.finish();
  return { krippendorffAlpha: krippendorffAlpha(matrix), fleissKappa: fleissKappa(matrix) };
}

/** Gold answers of pairwise items as comparisons of their two responses ("both bad" is no preference). */
export function pairGold(answers: readonly StoredAnswer[]): GoldComparison[] {
  const seen = new Map<number, string>();
  for (const a of answers) if (a.gold !== null) seen.set(a.itemId, a.gold);
  return [...seen].map(([itemId, gold]) => ({
    left: `${itemId}:a`,
    right: `${itemId}:b`,
    label: gold === "a" ? "left" : gold === "b" ? "right" : "tie",
  }));
}

function pairConsensus(answers: readonly StoredAnswer[]) {
  const pairs = new PairIndexer();
  for (const r of pairRows(answers)) pairs.add(r.worker, r.left, r.right, r.label);
  const s = summarizePairs(pairs.finish(), pairGold(answers));
  const score = new Map(s.items.map((i) => [i.item, i.score]));
  const votes = new Map<number, Record<string, number>>();
  const gold = new Map<string, { answered: number; correct: number }>();
  for (const a of answers) {
    const v = votes.get(a.itemId) ?? {};
    v[a.value] = (v[a.value] ?? 0) + 1;
    votes.set(a.itemId, v);
    if (a.gold !== null) {
      const g = gold.get(a.labelerId) ?? { answered: 0, correct: 0 };
      g.answered++;
      if (a.value === a.gold) g.correct++;
      gold.set(a.labelerId, g);
    }
  }
  const items: ItemConsensusRow[] = [...votes].map(([itemId, v]) => {
    const pA = sigmoid((score.get(`${itemId}:a`) ?? 0) - (score.get(`${itemId}:b`) ?? 0));
    return {
      itemId,
      label: pA > 0.5 ? "a" : pA < 0.5 ? "b" : "tie",
      confidence: Math.max(pA, 1 - pA),
      detail: { pA, ...v },
      answers: Object.values(v).reduce((x, y) => x + y, 0),
    };
  });
  const labelers = s.workers.map((w) => ({
    labelerId: w.worker,
    quality: w.quality,
    answers: w.answers,
    agreement: w.accuracy,
    chance: w.chance,
    goldAnswered: gold.get(w.worker)?.answered ?? 0,
    goldCorrect: gold.get(w.worker)?.correct ?? 0,
    leftShare: w.leftShare,
    positionBias: w.positionBias,
    flags: w.flags,
  }));
  return { method: "crowd-bradley-terry", items, labelers, agreement: agreementOf(answers) };
}

function labelConsensus(answers: readonly StoredAnswer[]) {
  const indexer = new LabelIndexer();
  const gold = new Map<string, string>();
  for (const a of answers) {
    indexer.add(String(a.itemId), a.labelerId, a.value);
    if (a.gold !== null) gold.set(String(a.itemId), a.gold);
  }
  const m = indexer.finish(gold.values());
  const s = summarizeLabels(m, goldByTask(m, gold));
  const items: ItemConsensusRow[] = s.tasks.map((t) => ({
    itemId: Number(t.task),
    label: t.label,
    confidence: t.confidence,
    detail: Object.fromEntries(s.classes.map((c, k) => [c, t.posterior[k]])),
    answers: t.answers,
  }));
  const labelers = s.workers.map((w) => ({
    labelerId: w.worker,
    quality: w.quality,
    answers: w.answers,
    agreement: w.accuracy,
    chance: w.chance,
    goldAnswered: w.goldAnswered,
    goldCorrect: w.goldCorrect,
    leftShare: null,
    positionBias: null,
    flags: w.flags,
  }));
  return { method: s.method, items, labelers, agreement: s.agreement };
}

type QualityPieces = Omit<LabelerQualityRow, "medianMs" | "pausedReason">;

/** What a run stores, before the pause decisions: the same for every task type. */
interface RunResult {
  method: string;
  items: ItemConsensusRow[];
  questions?: QuestionConsensusRow[];
  labelers: QualityPieces[];
  agreement: { krippendorffAlpha: number; fleissKappa: number };
  timed: TimedAnswer[];
  /** Whether identical answers in a row are suspicious whatever the consensus (see detectAbuse). */
  sideIsRandom: boolean;
  /** Each labeler's answers against the other labelers' (quality-policy.ts), for the pause decision. */
  evidence?: Map<string, PauseEvidence>;
  /** Pairwise: each labeler's decided answers by the side of the screen picked, for the pause decision. */
  sides?: Map<string, { left: number; right: number }>;
}

/** Each labeler's left and right picks, from answers in screen terms (ties and "both bad" left out). */
export function screenSides(answers: readonly { labelerId: string; shown: string }[]) {
  const sides = new Map<string, { left: number; right: number }>();
  for (const a of answers) {
    if (a.shown !== "left" && a.shown !== "right") continue;
    const s = sides.get(a.labelerId) ?? { left: 0, right: 0 };
    s[a.shown]++;
    sides.set(a.labelerId, s);
  }
  return sides;
}

function timedAnswer(a: StoredAnswer, shown: string, consensus: string | undefined): TimedAnswer {
  return {
    labelerId: a.labelerId,
    itemId: String(a.itemId),
    shown,
    consensus,
    textChars: a.textChars,
    timeSpentMs: a.timeSpentMs,
  };
}

function fixedShapeRun(answers: readonly StoredAnswer[], pairwise: boolean): RunResult {
  const result = pairwise ? pairConsensus(answers) : labelConsensus(answers);
  const consensusOf = new Map(result.items.map((i) => [i.itemId, i.label]));
  const timed = answers.map((a) =>
    timedAnswer(
      a,
      pairwise ? screenSide(a.value, a.swapped) : a.value,
      pairwise ? undefined : consensusOf.get(a.itemId),
    ),
  );
  const evidence = pauseEvidence(
    answers.map((a) => ({ item: String(a.itemId), labeler: a.labelerId, value: a.value, gold: a.gold })),
  );
  return { ...result, timed, sideIsRandom: pairwise, evidence, sides: pairwise ? screenSides(timed) : undefined };
}

/**
 * A form project: every question's consensus (form-run.ts), one item_consensus row per item (label "form",
 * confidence the mean of its questions'), and the answers in screen terms for the abuse detectors.
 */
function formRun(questions: readonly Question[], answers: readonly FormStoredAnswer[]): RunResult {
  const gold = new Map<number, FormAnswers>();
  for (const a of answers) if (a.gold !== null && !gold.has(a.itemId)) gold.set(a.itemId, JSON.parse(a.gold));
  const c = formConsensus(questions, answers, gold);
  if (c.items.length === 0) {
    const why = c.skipped.map((s) => `${s.question}: ${s.reason}`).join("; ");
    throw new ConsensusInputError(why || "no question other than free text has answers");
  }
  const byItem = new Map<number, Map<string, QuestionConsensus>>();
  for (const q of c.questions) byItem.set(q.itemId, (byItem.get(q.itemId) ?? new Map()).set(q.question, q.result));
  const timed = answers.map((a) => {
    const order = a.responseOrder ?? Array.from({ length: a.responses }, (_, r) => r);
    const results = byItem.get(a.itemId);
    // Judged only on the questions this labeler answered.
    const consensus = results && consensusAnswer(questions, results);
    const own = consensus && Object.fromEntries(Object.entries(consensus).filter(([name]) => name in a.answers));
    return timedAnswer(a, screenKey(questions, a.answers, order), own && screenKey(questions, own, order));
  });
  return {
    method: "form",
    items: c.items.map((i) => ({ ...i, label: "form" })),
    questions: c.questions,
    labelers: c.labelers.map(({ questions: _perQuestion, ...l }) => l),
    agreement: c.agreement,
    timed,
    sideIsRandom: false,
  };
}

/**
 * Recomputes a project's consensus from all its answers and stores it with each labeler's quality, pausing
 * labelers under the project's threshold and refreshing the answer-pattern abuse signals.
 */
export async function runProjectConsensus(db: Db, projectId: string): Promise<ConsensusOutcome> {
  const started = performance.now();
  const project = await getProject(db, projectId);
  if (!project) throw new NotFoundError("project");
  const form = project.taskType === "form";
  const answers = form ? await loadFormAnswers(db, projectId) : await loadProjectAnswers(db, projectId);
  if (answers.length === 0) return { status: "skipped", reason: "no answers yet" };
  let result: RunResult;
  try {
    result = form
      ? formRun(project.questions ?? [], answers as FormStoredAnswer[])
      : fixedShapeRun(answers, project.taskType === "pairwise");
  } catch (error) {
    if (error instanceof ConsensusInputError) return { status: "skipped", reason: error.message };
    throw error;
  }
  const median = medians(answers);
  const labelers: LabelerQualityRow[] = result.labelers.map((l) => ({
    ...l,
    medianMs: median.get(l.labelerId) ?? null,
    pausedReason: pauseReason(
      // A labeler none of whose items has another answer yet has no evidence against them.
      {
        ...l,
        evidence: result.evidence && (result.evidence.get(l.labelerId) ?? { agreement: 0, chance: 0, weight: 0 }),
        sides: result.sides?.get(l.labelerId),
      },
      project.qualityThreshold,
    ),
  }));
  const confidences = result.items.map((i) => i.confidence);
  const findings = detectAbuse(result.timed, result.sideIsRandom);
  const saved = await saveConsensus(db, {
    projectId,
    items: result.items,
    questions: result.questions,
    labelers,
    signals: findings.map((f) => ({
      userId: f.labelerId,
      kind: f.kind,
      scope: projectId,
      projectId,
      detail: f.detail,
    })),
    run: {
      method: result.method,
      lastLabelId: answers.reduce((max, a) => Math.max(max, a.labelId), 0),
      answers: answers.length,
      items: result.items.length,
      labelers: labelers.length,
      krippendorffAlpha: result.agreement.krippendorffAlpha,
      fleissKappa: result.agreement.fleissKappa,
      meanConfidence: confidences.reduce((x, y) => x + y, 0) / confidences.length,
      confidenceBins: confidenceHistogram(confidences, 10).map((b) => b.count),
      durationMs: Math.round(performance.now() - started),
    },
  });
  return {
    status: "done",
    runId: saved.runId,
    items: result.items.length,
    labelers: labelers.length,
    paused: saved.paused,
    krippendorffAlpha: result.agreement.krippendorffAlpha,
  };
}

/** Runs the project's consensus only if answers arrived since the last run (exports, payouts and training use it). */
export async function ensureFreshConsensus(db: Db, projectId: string): Promise<void> {
  if (await consensusIsStale(db, projectId)) await runProjectConsensus(db, projectId);
}
