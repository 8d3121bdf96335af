/** The named label crowds of the simulation tests and of the accuracy table in reward/README.md. */
import type { CrowdSpec } from "./label-crowds.ts";

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
