// A labeler's earnings as loader data (see earnings.server.ts), for the components that show them.
import type { TokenDisplay } from "./tokens.ts";

/** Amounts are decimal strings of base units (loader data is JSON); components format them with `token`. */
export interface ProjectEarningsData {
  projectId: string;
  title: string;
  unplannedLabels: number;
  rewardPerLabel: string;
  /** The current quality score, null until the labeler is scored on the project. */
  quality: number | null;
  /** The plan's quality weight, 0 to 1. */
  weight: number;
  estimate: string;
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
  totals: { estimate: string; planned: string; awaitingWallet: string; paid: string };
}
