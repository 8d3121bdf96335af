/** Input that the consensus models cannot use: empty, malformed, or too little overlap to estimate anything. */
export class ConsensusInputError extends Error {
  override name = "ConsensusInputError";
}

/** One categorical answer (a label, or a rating treated as a nominal class). */
export interface LabelAnswer {
  task: string;
  worker: string;
  label: string;
}

/** The same answers as parallel columns, which avoids one object per answer for large inputs. */
export interface LabelColumns {
  task: ArrayLike<string>;
  worker: ArrayLike<string>;
  label: ArrayLike<string>;
}

export type PairChoice = "left" | "right" | "tie";

export interface PairAnswer {
  worker: string;
  left: string;
  right: string;
  label: PairChoice;
}

export interface PairColumns {
  worker: ArrayLike<string>;
  left: ArrayLike<string>;
  right: ArrayLike<string>;
  label: ArrayLike<string>;
}

/**
 * Categorical answers indexed by integers, grouped by task (CSR layout):
 * the answers to task t are entries taskStart[t] .. taskStart[t + 1] - 1 of `worker` and `label`,
 * sorted by (worker, label) so that every sum over them runs in an order independent of the input order.
 */
export interface LabelMatrix {
  taskIds: string[];
  workerIds: string[];
  classIds: string[];
  taskStart: Int32Array;
  worker: Int32Array;
  label: Int32Array;
}

/** Pairwise answers indexed by integers. choice: 1 = left preferred, 0 = right preferred, 0.5 = tie. */
export interface PairMatrix {
  itemIds: string[];
  workerIds: string[];
  worker: Int32Array;
  left: Int32Array;
  right: Int32Array;
  choice: Float64Array;
  /** How much each answer counts (a ranking's pairs share one ranking's weight); absent: 1 each. */
  weight?: Float64Array;
}

/** Why a labeler's answers should not be trusted; a flagged labeler's quality is near 0. */
export type QualityFlag = "adversarial" | "constant" | "random" | "position-bias";
