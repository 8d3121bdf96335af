// A labeler's earnings as loader data (see earnings.server.ts), for the components that show them.
import type { TokenDisplay } from "./tokens.ts";

/** Amounts are decimal strings of base units (loader data is JSON); components format them with `token`. */
export interface ProjectEarningsData {
  projectId: string;
  title: string;
  /** Answers not paid yet that can earn: awaiting review plus approved. */
  unplannedLabels: number;
  /** Pending inside the project's approval delay. */
  awaitingReviewLabels: number;
  /** Approved, waiting for the next payout. */
  approvedLabels: number;
  /** Rejected (not counted in the estimate), and of those the ones an appeal may still overturn. */
  rejectedLabels: number;
  rejectedOpenLabels: number;
  rewardPerLabel: string;
  /** The current quality score, null until the labeler is scored on the project. */
  quality: number | null;
  /** The plan's quality weight, 0 to 1. */
  weight: number;
  estimate: string;
  /** The estimate's parts: for the answers awaiting review, and for those approved. */
  estimateAwaitingReview: string;
  estimateApproved: string;
  /** The most the answers not planned yet can earn (at a quality weight of 1). */
  atFullRate: string;
  planned: string;
  awaitingWallet: string;
  paid: string;
}

export interface EarningsData {
  token: TokenDisplay;
  walletLinked: boolean;
  projects: ProjectEarningsData[];
  totals: {
    estimate: string;
    awaitingReview: string;
    approved: string;
    /** Bonuses no payout has planned yet (exact amounts); planned, awaiting a wallet and paid include bonuses too. */
    bonuses: string;
    planned: string;
    awaitingWallet: string;
    paid: string;
  };
}
