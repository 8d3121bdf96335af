import {
  matchesKnownAnswer,
  type FormAnswers,
  type LabelConsensus,
  type PreferenceValue,
  type Question,
  type QuestionConsensus,
  type RankingValue,
  type RatingConsensus,
  type StoredValue,
} from "../../db/schema/questions.ts";
import {
  aggregateCategorySets,
  aggregateLabelMatrix,
  aggregateRankings,
  aggregateRatings,
  ConsensusInputError,
  fleissKappa,
  goldByTask,
  krippendorffAlpha,
  LabelIndexer,
  type LabelMatrix,
  type QualityFlag,
  type RankingAnswer,
  type RatingAnswer,
} from "./algorithms/index.ts";

/** One labeler's answers to one form item, in the item's own terms. */
export interface FormAnswerInput {
  labelerId: string;
  itemId: number;
  /** How many responses the item has. */
  responses: number;
  /** The item's responses in the order this labeler saw them; null: the item's own order. */
  responseOrder: readonly number[] | null;
  answers: FormAnswers;
}

export interface FormQuestionResult {
  itemId: number;
  question: string;
  result: QuestionConsensus;
  confidence: number;
}

export interface FormItemResult {
  itemId: number;
  /** Mean of the item's question confidences. */
  confidence: number;
  /** Each question's confidence, by name. */
  detail: Record<string, number>;
  answers: number;
}

/** A labeler's quality on one question, and on how many items they answered it. */
export interface QuestionQuality {
  quality: number;
  answers: number;
  agreement: number;
  chance: number;
  flags: QualityFlag[];
  leftShare?: number;
  positionBias?: number;
}

/** A labeler's quality over the whole form: the questions combined (see combineQuality). */
export interface FormLabelerQuality {
  labelerId: string;
  quality: number;
  answers: number;
  agreement: number;
  chance: number;
  goldAnswered: number;
  goldCorrect: number;
  leftShare: number | null;
  positionBias: number | null;
  flags: QualityFlag[];
  questions: Record<string, QuestionQuality>;
}

export interface FormConsensus {
  questions: FormQuestionResult[];
  items: FormItemResult[];
  labelers: FormLabelerQuality[];
  /** Answer-weighted means of the questions' nominal agreement (NaN when no question has any). */
  agreement: { krippendorffAlpha: number; fleissKappa: number };
  /** Questions whose answers could not be estimated (no overlap and no gold), with why. */
  skipped: { question: string; reason: string }[];
}

interface QuestionOutcome {
  results: Map<number, { result: QuestionConsensus; confidence: number }>;
  quality: Map<string, Omit<QuestionQuality, "answers">>;
  agreement: { krippendorffAlpha: number; fleissKappa: number };
}

type Rated = Extract<Question, { type: "rating" }>;
type Labelled = Extract<Question, { type: "label" }>;
type Ordered = Extract<Question, { type: "preference" | "ranking" }>;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const shownOrder = (a: FormAnswerInput) => a.responseOrder ?? Array.from({ length: a.responses }, (_, r) => r);

/** A preference in ranking terms: the chosen response first, or both in one group for a tie or "both bad". */
const preferenceGroups = (v: PreferenceValue): RankingValue =>
  v.choice === "a" ? [[0], [1]] : v.choice === "b" ? [[1], [0]] : [[0, 1]];

/** Each response's group number in a ranking (0 = best). */
function groupOf(ranking: RankingValue, responses: number): Int32Array {
  const g = new Int32Array(responses);
  ranking.forEach((group, i) => group.forEach((r) => (g[r] = i)));
  return g;
}

/** The rated or labelled targets of one answer: the item, or each response given a value (null: not answered). */
function targets<T>(q: Rated | Labelled, itemId: number, v: StoredValue): [string, T][] {
  if (q.per === "item") return [[String(itemId), v as T]];
  return (v as (T | null)[]).flatMap((x, r): [string, T][] => (x === null ? [] : [[`${itemId}:${r}`, x]]));
}

/** Per item, the target ids a per-item or per-response question has on it (item terms). */
function targetIds(q: Rated | Labelled, itemId: number, responses: number): string[] {
  return q.per === "item" ? [String(itemId)] : Array.from({ length: responses }, (_, r) => `${itemId}:${r}`);
}

function nominalAgreement(m: LabelMatrix) {
  return { krippendorffAlpha: krippendorffAlpha(m), fleissKappa: fleissKappa(m) };
}

/** Preference and ranking: Crowd-BT over the rankings' pairs (a preference is a ranking of two). */
function orderQuestion(q: Ordered, rows: readonly FormAnswerInput[], gold: ReadonlyMap<number, FormAnswers>) {
  const groups = (v: StoredValue) =>
    q.type === "preference" ? preferenceGroups(v as PreferenceValue) : (v as RankingValue);
  const answers: RankingAnswer[] = rows.map((a) => ({
    task: String(a.itemId),
    worker: a.labelerId,
    shown: shownOrder(a),
    ranking: groups(a.answers[q.name]),
  }));
  const goldRankings = new Map<string, RankingValue>();
  for (const [itemId, g] of gold) if (g[q.name] !== undefined) goldRankings.set(String(itemId), groups(g[q.name]));
  const r = aggregateRankings(answers, { gold: goldRankings });

  const votes = new Map<number, Record<string, number>>();
  const units = new LabelIndexer();
  for (const a of rows) {
    if (q.type === "preference") {
      const choice = (a.answers[q.name] as PreferenceValue).choice;
      const v = votes.get(a.itemId) ?? {};
      v[choice] = (v[choice] ?? 0) + 1;
      votes.set(a.itemId, v);
    }
    const g = groupOf(groups(a.answers[q.name]), a.responses);
    for (let i = 0; i < a.responses; i++)
      for (let j = i + 1; j < a.responses; j++)
        units.add(`${a.itemId}:${i}:${j}`, a.labelerId, g[i] < g[j] ? "<" : g[i] > g[j] ? ">" : "=");
  }
  const results: QuestionOutcome["results"] = new Map();
  for (const t of r.tasks) {
    const itemId = Number(t.task);
    if (q.type === "preference") {
      const pA = sigmoid(t.scores[0] - t.scores[1]);
      const label = pA > 0.5 ? "a" : pA < 0.5 ? "b" : "tie";
      results.set(itemId, {
        result: { type: "preference", label, pA, votes: votes.get(itemId)! },
        confidence: Math.max(pA, 1 - pA),
      });
    } else {
      results.set(itemId, {
        result: { type: "ranking", order: t.order, scores: t.scores, adjacent: t.adjacent },
        confidence: mean(t.adjacent),
      });
    }
  }
  const quality: QuestionOutcome["quality"] = new Map(
    r.workers.map((w) => [
      w.worker,
      {
        quality: w.quality,
        agreement: w.accuracy,
        chance: w.chance,
        flags: w.flags,
        leftShare: w.leftShare,
        positionBias: w.positionBias,
      },
    ]),
  );
  return { results, quality, agreement: nominalAgreement(units.finish()) };
}

function ratingQuestion(q: Rated, rows: readonly FormAnswerInput[], gold: ReadonlyMap<number, FormAnswers>) {
  const answers: RatingAnswer[] = [];
  const units = new LabelIndexer();
  for (const a of rows) {
    for (const [task, value] of targets<number>(q, a.itemId, a.answers[q.name])) {
      answers.push({ task, worker: a.labelerId, value });
      units.add(task, a.labelerId, String(value));
    }
  }
  const goldRatings = new Map<string, number>();
  for (const [itemId, g] of gold)
    if (g[q.name] !== undefined)
      for (const [task, v] of targets<number>(q, itemId, g[q.name])) goldRatings.set(task, v);
  const r = aggregateRatings(answers, { min: q.min, max: q.max, gold: goldRatings });
  const byTask = new Map(r.tasks.map((t) => [t.task, t]));
  // A response nobody rated: the question's mean rating, with no confidence.
  const overall = mean(answers.map((a) => a.value));
  const unrated: RatingConsensus = {
    value: Math.round(overall),
    estimate: overall,
    mean: overall,
    confidence: 0,
    scores: new Array<number>(q.max - q.min + 1).fill(0),
  };
  const results: QuestionOutcome["results"] = new Map();
  for (const a of rows) {
    if (results.has(a.itemId)) continue;
    const values = targetIds(q, a.itemId, a.responses).map((id): RatingConsensus => {
      const t = byTask.get(id);
      return t
        ? { value: t.value, estimate: t.estimate, mean: t.mean, confidence: t.confidence, scores: t.scores }
        : unrated;
    });
    results.set(a.itemId, { result: { type: "rating", values }, confidence: mean(values.map((v) => v.confidence)) });
  }
  const quality: QuestionOutcome["quality"] = new Map(
    r.workers.map((w) => [w.worker, { quality: w.quality, agreement: w.accuracy, chance: w.chance, flags: w.flags }]),
  );
  return { results, quality, agreement: nominalAgreement(units.finish()) };
}

/** One category per target: Dawid–Skene over the question's categories. */
function singleLabels(q: Labelled, rows: readonly FormAnswerInput[], gold: ReadonlyMap<number, FormAnswers>) {
  const indexer = new LabelIndexer();
  const counts = new Map<string, number>();
  for (const a of rows) {
    for (const [task, c] of targets<string>(q, a.itemId, a.answers[q.name])) {
      indexer.add(task, a.labelerId, c);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  const m = indexer.finish(q.categories);
  const goldLabels = new Map<string, string>();
  for (const [itemId, g] of gold)
    if (g[q.name] !== undefined) for (const [task, c] of targets<string>(q, itemId, g[q.name])) goldLabels.set(task, c);
  const r = aggregateLabelMatrix(m, goldByTask(m, goldLabels));
  const K = m.classIds.length;
  const column = q.categories.map((c) => m.classIds.indexOf(c));
  const row = new Map(m.taskIds.map((id, t) => [id, t]));
  const total = [...counts.values()].reduce((s, x) => s + x, 0);
  const shares = q.categories.map((c) => (counts.get(c) ?? 0) / total);
  const top = shares.indexOf(Math.max(...shares));
  const unanswered: LabelConsensus = {
    label: q.categories[top],
    confidence: 0,
    probability: Object.fromEntries(q.categories.map((c, k) => [c, shares[k]])),
  };
  const consensus = (id: string): LabelConsensus => {
    const t = row.get(id);
    if (t === undefined) return unanswered;
    return {
      label: m.classIds[r.label[t]],
      confidence: r.posterior[t * K + r.label[t]],
      probability: Object.fromEntries(q.categories.map((c, k) => [c, r.posterior[t * K + column[k]]])),
    };
  };
  return { consensus, workers: r.workers, matrix: m };
}

/** Several categories per target: one yes/no decision per category (see aggregateCategorySets). */
function categorySets(q: Labelled, rows: readonly FormAnswerInput[], gold: ReadonlyMap<number, FormAnswers>) {
  const answers = rows.flatMap((a) =>
    targets<string[]>(q, a.itemId, a.answers[q.name]).map(([task, categories]) => ({
      task,
      worker: a.labelerId,
      categories,
    })),
  );
  const goldSets = new Map<string, string[]>();
  for (const [itemId, g] of gold)
    if (g[q.name] !== undefined) for (const [task, c] of targets<string[]>(q, itemId, g[q.name])) goldSets.set(task, c);
  const r = aggregateCategorySets(answers, q.categories, goldSets);
  const byTask = new Map(r.tasks.map((t) => [t.task, t]));
  const shares = q.categories.map((c) => answers.filter((a) => a.categories.includes(c)).length / answers.length);
  const unanswered: LabelConsensus = {
    label: q.categories.filter((_, k) => shares[k] > 0.5),
    confidence: 0,
    probability: Object.fromEntries(q.categories.map((c, k) => [c, shares[k]])),
  };
  const consensus = (id: string): LabelConsensus => {
    const t = byTask.get(id);
    return t ? { label: t.label, confidence: t.confidence, probability: t.probability } : unanswered;
  };
  return { consensus, workers: r.workers, matrix: r.matrix };
}

function labelQuestion(q: Labelled, rows: readonly FormAnswerInput[], gold: ReadonlyMap<number, FormAnswers>) {
  const { consensus, workers, matrix } = q.multiple ? categorySets(q, rows, gold) : singleLabels(q, rows, gold);
  const results: QuestionOutcome["results"] = new Map();
  for (const a of rows) {
    if (results.has(a.itemId)) continue;
    const values = targetIds(q, a.itemId, a.responses).map(consensus);
    results.set(a.itemId, { result: { type: "label", values }, confidence: mean(values.map((v) => v.confidence)) });
  }
  const quality: QuestionOutcome["quality"] = new Map(
    workers.map((w) => [w.worker, { quality: w.quality, agreement: w.accuracy, chance: w.chance, flags: w.flags }]),
  );
  return { results, quality, agreement: nominalAgreement(matrix) };
}

function questionOutcome(
  q: Exclude<Question, { type: "text" }>,
  rows: readonly FormAnswerInput[],
  gold: ReadonlyMap<number, FormAnswers>,
): QuestionOutcome {
  switch (q.type) {
    case "preference":
    case "ranking":
      return orderQuestion(q, rows, gold);
    case "rating":
      return ratingQuestion(q, rows, gold);
    case "label":
      return labelQuestion(q, rows, gold);
  }
}

/**
 * Combines a labeler's per-question qualities into one: quality, agreement and chance are means weighted by the
 * number of items they answered each question on; flags are united; leftShare and positionBias come from the
 * preference or ranking question (a form has at most one). Gold counts answers to questions with gold: each
 * question a gold item has gold for counts once, and is right when it matches (see matchesKnownAnswer).
 */
function combineQuality(
  labelerId: string,
  answers: number,
  perQuestion: [string, QuestionQuality][],
  gold: { answered: number; correct: number },
): FormLabelerQuality {
  const n = perQuestion.reduce((s, [, q]) => s + q.answers, 0);
  const weighted = (f: (q: QuestionQuality) => number) => perQuestion.reduce((s, [, q]) => s + q.answers * f(q), 0) / n;
  const ordered = perQuestion.find(([, q]) => q.leftShare !== undefined)?.[1];
  return {
    labelerId,
    quality: weighted((q) => q.quality),
    answers,
    agreement: weighted((q) => q.agreement),
    chance: weighted((q) => q.chance),
    goldAnswered: gold.answered,
    goldCorrect: gold.correct,
    leftShare: ordered?.leftShare ?? null,
    positionBias: ordered?.positionBias ?? null,
    flags: [...new Set(perQuestion.flatMap(([, q]) => q.flags))],
    questions: Object.fromEntries(perQuestion),
  };
}

/**
 * Consensus of every question of a form project and each labeler's quality on it. Text questions have no
 * consensus; a question that cannot be estimated (no overlap, no gold) is skipped with its reason.
 */
export function formConsensus(
  questions: readonly Question[],
  answers: readonly FormAnswerInput[],
  gold: ReadonlyMap<number, FormAnswers> = new Map(),
): FormConsensus {
  const outcomes: {
    q: Question;
    rows: FormAnswerInput[];
    perLabeler: Map<string, number>;
    outcome: QuestionOutcome;
  }[] = [];
  const skipped: FormConsensus["skipped"] = [];
  for (const q of questions) {
    if (q.type === "text") continue;
    const rows = answers.filter((a) => a.answers[q.name] !== undefined);
    if (rows.length === 0) continue;
    const perLabeler = new Map<string, number>();
    for (const a of rows) perLabeler.set(a.labelerId, (perLabeler.get(a.labelerId) ?? 0) + 1);
    try {
      outcomes.push({ q, rows, perLabeler, outcome: questionOutcome(q, rows, gold) });
    } catch (error) {
      if (!(error instanceof ConsensusInputError)) throw error;
      skipped.push({ question: q.name, reason: error.message });
    }
  }

  const questionResults: FormQuestionResult[] = [];
  const perItem = new Map<number, Record<string, number>>();
  for (const { q, outcome } of outcomes) {
    for (const [itemId, { result, confidence }] of [...outcome.results].sort(([x], [y]) => x - y)) {
      questionResults.push({ itemId, question: q.name, result, confidence });
      const detail = perItem.get(itemId);
      if (detail) detail[q.name] = confidence;
      else perItem.set(itemId, { [q.name]: confidence });
    }
  }
  const labelsOnItem = new Map<number, number>();
  const byLabeler = new Map<string, FormAnswerInput[]>();
  for (const a of answers) {
    labelsOnItem.set(a.itemId, (labelsOnItem.get(a.itemId) ?? 0) + 1);
    const own = byLabeler.get(a.labelerId);
    if (own) own.push(a);
    else byLabeler.set(a.labelerId, [a]);
  }
  const items: FormItemResult[] = [...perItem]
    .sort(([x], [y]) => x - y)
    .map(([itemId, detail]) => ({
      itemId,
      confidence: mean(Object.values(detail)),
      detail,
      answers: labelsOnItem.get(itemId)!,
    }));

  const labelers: FormLabelerQuality[] = [];
  for (const [labelerId, own] of [...byLabeler].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const perQuestion: [string, QuestionQuality][] = [];
    for (const { q, perLabeler, outcome } of outcomes) {
      const quality = outcome.quality.get(labelerId);
      if (quality) perQuestion.push([q.name, { ...quality, answers: perLabeler.get(labelerId)! }]);
    }
    if (perQuestion.length === 0) continue;
    const goldTally = { answered: 0, correct: 0 };
    for (const a of own) {
      const g = gold.get(a.itemId);
      if (!g) continue;
      for (const q of questions) {
        if (q.type === "text" || g[q.name] === undefined || a.answers[q.name] === undefined) continue;
        goldTally.answered++;
        if (matchesKnownAnswer(q, a.answers[q.name], g[q.name], a.responses)) goldTally.correct++;
      }
    }
    labelers.push(combineQuality(labelerId, own.length, perQuestion, goldTally));
  }

  const weights = outcomes.map((o) => o.rows.length);
  const combined = (f: (o: QuestionOutcome) => number) => {
    let sum = 0;
    let weight = 0;
    outcomes.forEach((o, i) => {
      const x = f(o.outcome);
      if (Number.isFinite(x)) [sum, weight] = [sum + weights[i] * x, weight + weights[i]];
    });
    return weight > 0 ? sum / weight : NaN;
  };
  return {
    questions: questionResults,
    items,
    labelers,
    agreement: {
      krippendorffAlpha: combined((o) => o.agreement.krippendorffAlpha),
      fleissKappa: combined((o) => o.agreement.fleissKappa),
    },
    skipped,
  };
}
