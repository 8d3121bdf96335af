import { env } from "../../config/env.ts";
import { amountLimits } from "../../reward/tokens/amount-limits.ts";

/** The largest amounts the forms and the API accept, in base units of this platform's mint. */
export const limits = amountLimits(env.TOKEN_DECIMALS);

/** The same limits as decimal strings, for a loader to hand to a form's schema in the browser. */
export const limitsJson = () => ({
  rewardPerLabel: limits.rewardPerLabel.toString(),
  budget: limits.budget.toString(),
});
