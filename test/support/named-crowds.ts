/** The named label crowds of the simulation tests and of the accuracy tables in reward/consensus/README.md. */
import type { CrowdSpec, LabelerGroup } from "./label-crowds.ts";

export const CROWDS: Record<string, CrowdSpec> = {
  "mixed, 4 classes, 5 answers": {
    tasks: 2000,
    classes: 4,
    answersPerTask: 5,
    groups: [
      { kind: "good", count: 20 },
      { kind: "good", count: 20, skill: [0.5, 0.7], name: "mediocre" },
      { kind: "random", count: 8 },
      { kind: "adversary", count: 6 },
      { kind: "biased", count: 5, bias: 0.5 },
      { kind: "constant", count: 3 },
      { kind: "good", count: 100, skill: [0.5, 0.95], activity: 0.05, name: "sparse" },
    ],
  },
  "binary, imbalanced 80/20, 3 answers": {
    tasks: 2000,
    classes: 2,
    classWeights: [4, 1],
    answersPerTask: 3,
    groups: [
      { kind: "good", count: 25, skill: [0.75, 0.95] },
      { kind: "good", count: 25, skill: [0.6, 0.75], name: "mediocre" },
      { kind: "random", count: 5 },
      { kind: "biased", count: 5, bias: 0.4 },
      { kind: "good", count: 200, skill: [0.55, 0.95], activity: 0.03, name: "sparse" },
    ],
  },
  "binary, 25% adversaries, 5 answers": {
    tasks: 1500,
    classes: 2,
    answersPerTask: 5,
    groups: [
      { kind: "good", count: 15, skill: [0.7, 0.9] },
      { kind: "good", count: 15, skill: [0.55, 0.7], name: "mediocre" },
      { kind: "adversary", count: 10, skill: [0.7, 0.9] },
    ],
  },
  "3 classes, rare class 5%, 5 answers": {
    tasks: 3000,
    classes: 3,
    classWeights: [0.75, 0.2, 0.05],
    answersPerTask: 5,
    groups: [
      { kind: "good", count: 30, skill: [0.7, 0.95] },
      { kind: "biased", count: 10, bias: 0.3 },
      { kind: "random", count: 5 },
      { kind: "good", count: 150, skill: [0.5, 0.9], activity: 0.05, name: "sparse" },
    ],
  },
  "sparse crowd, 4 classes, 4 answers": {
    tasks: 2000,
    classes: 4,
    answersPerTask: 4,
    groups: [
      { kind: "good", count: 600, skill: [0.55, 0.95], name: "sparse" },
      { kind: "random", count: 100, name: "sparse random" },
    ],
  },
  "5-point scale, 7 answers": {
    tasks: 1000,
    classes: 5,
    answersPerTask: 7,
    groups: [
      { kind: "good", count: 20, skill: [0.45, 0.8] },
      { kind: "biased", count: 10, bias: 0.3 },
      { kind: "random", count: 10 },
      { kind: "adversary", count: 3 },
    ],
  },
  "mostly adversarial, 10% gold": {
    tasks: 1500,
    classes: 2,
    answersPerTask: 5,
    goldFraction: 0.1,
    groups: [
      { kind: "good", count: 8, skill: [0.75, 0.9] },
      { kind: "adversary", count: 12, skill: [0.75, 0.9] },
    ],
  },
};

/**
 * Crowds shaped like public crowdsourcing sets (product matching, sentiment, relevance grades, breeds): one
 * class is 70–90% of the tasks, most labelers give 1–10 answers while a dozen give hundreds, accuracy varies
 * widely and depends on the true class (the rare classes are missed, mostly towards the common one, and
 * labelers good on the common class may never mistake it). Every labeler of a crowd shares its class effects.
 */
function imbalancedCrowd(spec: {
  classes: number;
  classWeights: number[];
  answersPerTask: number;
  classSkill: number[];
  mistakes?: number[][];
  extra?: LabelerGroup[];
}): CrowdSpec {
  const { classSkill, mistakes } = spec;
  return {
    tasks: 1500,
    classes: spec.classes,
    classWeights: spec.classWeights,
    answersPerTask: spec.answersPerTask,
    groups: [
      { kind: "good", count: 12, skill: [0.6, 0.85], classSkill, mistakes, activity: [40, 150], name: "heavy" },
      { kind: "good", count: 30, skill: [0.55, 0.85], classSkill, mistakes, activity: [3, 20], name: "regular" },
      { kind: "good", count: 150, skill: [0.5, 0.85], classSkill, mistakes, activity: [0.2, 2], name: "sparse" },
      { kind: "random", count: 15, activity: [0.2, 2], name: "sparse random" },
      ...(spec.extra ?? []),
    ],
  };
}

export const IMBALANCED_CROWDS: Record<string, CrowdSpec> = {
  "binary 85/15, rare class often missed, 3 answers": imbalancedCrowd({
    classes: 2,
    classWeights: [0.85, 0.15],
    answersPerTask: 3,
    classSkill: [0.2, -0.15],
  }),
  "binary 90/10, rare class often missed, 5 answers": imbalancedCrowd({
    classes: 2,
    classWeights: [0.9, 0.1],
    answersPerTask: 5,
    classSkill: [0.2, -0.15],
  }),
  "binary 75/25, misses and over-callers, 5 answers": imbalancedCrowd({
    classes: 2,
    classWeights: [0.75, 0.25],
    answersPerTask: 5,
    classSkill: [0.2, -0.15],
    extra: [
      {
        kind: "good",
        count: 5,
        skill: [0.6, 0.85],
        classSkill: [-0.15, 0.2],
        activity: [40, 150],
        name: "over-caller",
      },
    ],
  }),
  "3 classes 75/15/10, confused with the common one, 5 answers": imbalancedCrowd({
    classes: 3,
    classWeights: [0.75, 0.15, 0.1],
    answersPerTask: 5,
    classSkill: [0.2, -0.1, -0.15],
    mistakes: [
      [0, 1, 1],
      [4, 0, 1],
      [4, 1, 0],
    ],
    extra: [{ kind: "biased", count: 3, bias: 0.5, activity: [20, 60] }],
  }),
  "5 grades, 70% lowest, adjacent confusions, 6 answers": imbalancedCrowd({
    classes: 5,
    classWeights: [0.7, 0.12, 0.08, 0.06, 0.04],
    answersPerTask: 6,
    classSkill: [0.2, -0.05, -0.1, -0.05, 0],
    mistakes: [
      [0, 4, 1, 0.3, 0.1],
      [4, 0, 3, 0.5, 0.1],
      [1, 3, 0, 3, 0.5],
      [0.3, 0.5, 3, 0, 3],
      [0.1, 0.3, 1, 4, 0],
    ],
  }),
  "4 classes 70/10/10/10, paired confusions, 8 answers": imbalancedCrowd({
    classes: 4,
    classWeights: [0.7, 0.1, 0.1, 0.1],
    answersPerTask: 8,
    classSkill: [0.2, -0.1, -0.05, -0.05],
    mistakes: [
      [0, 1, 1, 1],
      [3, 0, 0.5, 0.5],
      [2, 0.5, 0, 3],
      [2, 0.5, 3, 0],
    ],
    extra: [{ kind: "adversary", count: 3, activity: [10, 30] }],
  }),
};
