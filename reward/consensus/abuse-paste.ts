import type { AbuseSignalRow, PastedTextCount } from "../../db/queries/abuse.ts";

/**
 * "Pastes whole text answers": an account whose text answers mostly arrived by pasting, which is how answers
 * written by a machine (or copied from elsewhere) come in. Worked out when the abuse page is read, from the input
 * signals stored with the answers, across projects.
 */
export const PASTED_TEXT_KIND = "pasted_text";

export interface PastedTextOptions {
  /** Fewer text answers than this say nothing either way. */
  minTextAnswers: number;
  /** The share of them pasted in whole that raises the signal. */
  share: number;
}

export const DEFAULT_PASTED_TEXT: PastedTextOptions = { minTextAnswers: 5, share: 0.5 };

/** A signal computed on the fly, in the shape of a stored one (ids are negative: no row holds them). */
export type PastedTextSignal = Omit<AbuseSignalRow, "kind"> & { kind: typeof PASTED_TEXT_KIND };

export function pastedTextSignals(
  counts: readonly PastedTextCount[],
  o: PastedTextOptions = DEFAULT_PASTED_TEXT,
): PastedTextSignal[] {
  return counts
    .filter((c) => c.textAnswers >= o.minTextAnswers && c.pastedWhole >= o.share * c.textAnswers)
    .map((c, i) => ({
      id: -(i + 1),
      userId: c.userId,
      email: c.email,
      name: c.name,
      role: c.role,
      userPausedAt: c.userPausedAt,
      userPausedReason: c.userPausedReason,
      kind: PASTED_TEXT_KIND,
      scope: "all projects",
      projectId: null,
      projectTitle: null,
      detail: { pasted: c.pastedWhole, textAnswers: c.textAnswers },
      detectedAt: c.lastAt,
    }));
}
