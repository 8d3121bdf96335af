/**
 * A simulated crowd answering a form with known truth: items of three responses, asked for a ranking, a helpfulness
 * rating per response, a topic and the issues of each response (several categories), and a free-text reason.
 * Each answer is drawn for the on-screen order its assignment used, in the item's own terms, as the server stores
 * it. Driven by the trainer's seeded generator, so a (spec, seed) pair always produces the same answers.
 */
import { questionsSchema, type FormAnswers } from "../../db/schema/index.ts";
import type { FormAnswerInput } from "../../reward/consensus/form-run.ts";
import { Rng } from "../../trainer/rng.ts";
import { pad } from "./crowd-sampling.ts";

export const FORM_QUESTIONS = questionsSchema.parse([
  { name: "rank", title: "Rank the responses", type: "ranking" },
  { name: "helpful", title: "How helpful is it?", type: "rating", min: 1, max: 5, per: "response" },
  { name: "topic", title: "Topic", type: "label", categories: ["code", "math", "prose"] },
  {
    name: "issues",
    title: "Issues",
    type: "label",
    categories: ["wrong", "rude", "long"],
    multiple: true,
    per: "response",
  },
  { name: "why", title: "Why?", type: "text", required: false },
]);

export const RESPONSES = 3;
const TOPICS = ["code", "math", "prose"];
const ISSUES = ["wrong", "rude", "long"];

export interface FormItemTruth {
  /** True quality of each response; the ranking and helpfulness follow it. */
  scores: number[];
  helpful: number[];
  topic: string;
  issues: string[][];
}

/** good: honest with some noise. adversary: the opposite of honest. clicker: screen order, the middle, the first. */
export type FormLabelerKind = "good" | "adversary" | "clicker";

export function formTruth(rng: Rng): FormItemTruth {
  const scores = Array.from({ length: RESPONSES }, () => rng.normal());
  return {
    scores,
    helpful: scores.map((s) => Math.min(5, Math.max(1, Math.round(3 + 1.3 * s)))),
    topic: TOPICS[rng.int(TOPICS.length)],
    issues: scores.map(() => ISSUES.filter(() => rng.next() < 0.3)),
  };
}

/** Groups of response indices, best first, one response each. */
const ranked = (scores: number[]) =>
  scores
    .map((_, r) => r)
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .map((r) => [r]);

/** What a labeler of `kind` answers on an item shown in `order`, in the item's own terms. */
export function formAnswer(kind: FormLabelerKind, truth: FormItemTruth, order: number[], rng: Rng): FormAnswers {
  if (kind === "clicker")
    return { rank: order.map((r) => [r]), helpful: order.map(() => 3), topic: "code", issues: order.map(() => []) };
  const rank = ranked(truth.scores.map((s) => s + rng.normal() / 2));
  const helpful = truth.helpful.map((h) => Math.min(5, Math.max(1, Math.round(h + 0.5 * rng.normal()))));
  const topic = rng.next() < 0.9 ? truth.topic : TOPICS[(TOPICS.indexOf(truth.topic) + 1) % TOPICS.length];
  const issues = truth.issues.map((has) => ISSUES.filter((c) => has.includes(c) !== rng.next() < 0.1));
  if (kind === "good") return { rank, helpful, topic, issues, why: "reasons" };
  return {
    rank: rank.slice().reverse(),
    helpful: helpful.map((h) => 6 - h),
    topic: TOPICS[(TOPICS.indexOf(truth.topic) + 1) % TOPICS.length],
    issues: issues.map((has) => ISSUES.filter((c) => !has.includes(c))),
  };
}

/** The truth as gold answers, as an upload stores them. */
export const formGold = (truth: FormItemTruth): FormAnswers => ({
  rank: ranked(truth.scores),
  helpful: truth.helpful,
  topic: truth.topic,
  issues: truth.issues,
});

export interface FormCrowdSpec {
  items: number;
  groups: { kind: FormLabelerKind; count: number }[];
  /** Every labeler answers this share of the items. */
  coverage?: number;
  goldFraction?: number;
}

export interface SimulatedForm {
  answers: FormAnswerInput[];
  truth: Map<number, FormItemTruth>;
  gold: Map<number, FormAnswers>;
  kind: Map<string, FormLabelerKind>;
}

export function simulateForm(spec: FormCrowdSpec, seed: number): SimulatedForm {
  const rng = new Rng(seed);
  const labelers = spec.groups.flatMap((g) => Array.from({ length: g.count }, () => g.kind));
  const ids = labelers.map((_, i) => `w${pad(i, 3)}`);
  const truth = new Map<number, FormItemTruth>();
  const gold = new Map<number, FormAnswers>();
  const answers: FormAnswerInput[] = [];
  for (let itemId = 1; itemId <= spec.items; itemId++) {
    const t = formTruth(rng);
    truth.set(itemId, t);
    if (rng.next() < (spec.goldFraction ?? 0)) gold.set(itemId, formGold(t));
    labelers.forEach((kind, w) => {
      if (rng.next() >= (spec.coverage ?? 1)) return;
      const order = rng.shuffle(Array.from({ length: RESPONSES }, (_, r) => r));
      answers.push({
        labelerId: ids[w],
        itemId,
        responses: RESPONSES,
        responseOrder: order,
        answers: formAnswer(kind, t, order, rng),
      });
    });
  }
  return { answers, truth, gold, kind: new Map(ids.map((id, i) => [id, labelers[i]])) };
}
