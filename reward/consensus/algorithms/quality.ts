import type { LabelMatrix, QualityFlag } from "./types.ts";

/**
 * How much a labeler's answers can be trusted as evidence of the truth, with the pieces that explain it.
 *
 * accuracy: the estimated share of their answers that are right: the average, over their answers, of the
 *   consensus probability that the answer is the truth (1 or 0 on gold tasks).
 * chance: the share someone would get right by answering with the same mix of classes but without
 *   looking at the task (Cohen's chance agreement).
 * kappa: (accuracy - chance) / (1 - chance): 1 = always right, 0 = no better than chance, < 0 = against it.
 * quality: max(0, kappa) × answers / (answers + shrinkage): a labeler with few answers has not yet shown much.
 */
export interface LabelerQuality {
  worker: string;
  quality: number;
  answers: number;
  accuracy: number;
  chance: number;
  kappa: number;
  goldAnswered: number;
  goldCorrect: number;
  /** Share of the labeler's answers that went to their most frequent class. */
  topAnswerShare: number;
  flags: QualityFlag[];
}

export interface QualityOptions {
  /** Number of answers at which shrinkage halves the score (see LabelerQuality.quality). */
  shrinkage?: number;
  /** Fewest answers before a labeler can be flagged. */
  minAnswersToFlag?: number;
}

export const DEFAULT_QUALITY: Required<QualityOptions> = { shrinkage: 5, minAnswersToFlag: 8 };

/** Per-labeler sums collected while visiting every answer with the consensus it is judged against. */
export class AgreementTally {
  readonly answers: Float64Array;
  readonly agreement: Float64Array;
  /** [w * K + l]: how often labeler w answered l. */
  readonly answerCount: Float64Array;
  /** [w * K + k]: summed consensus probability of class k over labeler w's answers. */
  readonly consensusMass: Float64Array;
  readonly goldAnswered: Int32Array;
  readonly goldCorrect: Int32Array;

  constructor(
    readonly nWorkers: number,
    readonly K: number,
  ) {
    this.answers = new Float64Array(nWorkers);
    this.agreement = new Float64Array(nWorkers);
    this.answerCount = new Float64Array(nWorkers * K);
    this.consensusMass = new Float64Array(nWorkers * K);
    this.goldAnswered = new Int32Array(nWorkers);
    this.goldCorrect = new Int32Array(nWorkers);
  }

  /** One answer `l` by worker `w`, with the consensus (probabilities over classes) it is judged against. */
  add(w: number, l: number, consensus: Float64Array, offset: number): void {
    const K = this.K;
    this.answers[w]++;
    this.agreement[w] += consensus[offset + l];
    this.answerCount[w * K + l]++;
    for (let k = 0; k < K; k++) this.consensusMass[w * K + k] += consensus[offset + k];
  }

  addGold(w: number, correct: boolean): void {
    this.goldAnswered[w]++;
    if (correct) this.goldCorrect[w]++;
  }

  /** Chance-corrected agreement and flags for every labeler. */
  summarize(workerIds: string[], options: QualityOptions = {}): LabelerQuality[] {
    const { shrinkage, minAnswersToFlag } = { ...DEFAULT_QUALITY, ...options };
    const K = this.K;
    return workerIds.map((worker, w) => {
      const n = this.answers[w];
      let chance = 0;
      let top = 0;
      for (let k = 0; k < K; k++) {
        chance += (this.answerCount[w * K + k] / n) * (this.consensusMass[w * K + k] / n);
        top = Math.max(top, this.answerCount[w * K + k] / n);
      }
      const accuracy = this.agreement[w] / n;
      const kappa = 1 - chance > 1e-9 ? (accuracy - chance) / (1 - chance) : 0;
      const quality = Math.max(0, Math.min(1, kappa)) * (n / (n + shrinkage));
      const flags: QualityFlag[] = [];
      if (n >= minAnswersToFlag) {
        // Under "answers unrelated to the truth", accuracy - chance has about this standard error.
        const standardError = Math.sqrt(Math.max(chance * (1 - chance), 1e-12) / n);
        if (top >= 0.95 && kappa < 0.2) flags.push("constant");
        else if (kappa <= -0.1 && chance - accuracy > 2 * standardError) flags.push("adversarial");
        else if (kappa < 0.15) flags.push("random");
      }
      return {
        worker,
        quality,
        answers: n,
        accuracy,
        chance,
        kappa,
        goldAnswered: this.goldAnswered[w],
        goldCorrect: this.goldCorrect[w],
        topAnswerShare: top,
        flags,
      };
    });
  }
}

/**
 * Visits every answer with the Dawid–Skene posterior of its task (the labeler's own answer included, weighted
 * by what the model learned about them: an answer from a labeler who is usually wrong counts against itself).
 * Gold tasks are judged against gold.
 */
export function tallyPosterior(m: LabelMatrix, posterior: Float64Array, gold: Int32Array): AgreementTally {
  const K = m.classIds.length;
  const tally = new AgreementTally(m.workerIds.length, K);
  for (let t = 0; t < m.taskIds.length; t++) {
    for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) {
      if (gold[t] >= 0) tally.addGold(m.worker[e], m.label[e] === gold[t]);
      tally.add(m.worker[e], m.label[e], posterior, t * K);
    }
  }
  return tally;
}

/**
 * Majority vote has no model of the labelers, so each answer is judged against the vote shares of the
 * *other* answers on the task (otherwise a labeler's own vote would count as agreement with itself).
 */
export function tallyMajority(m: LabelMatrix, gold: Int32Array): AgreementTally {
  const K = m.classIds.length;
  const tally = new AgreementTally(m.workerIds.length, K);
  const votes = new Float64Array(K);
  const loo = new Float64Array(K);
  for (let t = 0; t < m.taskIds.length; t++) {
    const g = gold[t];
    const n = m.taskStart[t + 1] - m.taskStart[t];
    votes.fill(0);
    for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) votes[m.label[e]]++;
    for (let e = m.taskStart[t]; e < m.taskStart[t + 1]; e++) {
      const w = m.worker[e];
      const l = m.label[e];
      if (g >= 0) {
        tally.addGold(w, l === g);
        loo.fill(0)[g] = 1;
      } else {
        for (let k = 0; k < K; k++) loo[k] = n > 1 ? (votes[k] - (k === l ? 1 : 0)) / (n - 1) : 1 / K;
      }
      tally.add(w, l, loo, 0);
    }
  }
  return tally;
}
