import { formatAmount, parseTokens, type TokenDisplay } from "~/utils/tokens.ts";

/**
 * What the new project's amounts come to as they are typed: an item's cost (k labels at the reward) and how many
 * labels and items the budget pays for. The line is always there, so the form never moves when it fills in.
 */
export function ProjectCost(props: Typed & { token: TokenDisplay }) {
  return (
    <div className="small muted">
      <p role="status" data-testid="project-cost" style={{ margin: 0 }}>
        {costText(props, props.token)}
      </p>
      <p style={{ margin: ".3rem 0 0" }}>
        The budget is a cap, not money: labelers are paid only from what you deposit on the project&apos;s page.
      </p>
    </div>
  );
}

/** The fields as typed so far (undefined while empty). */
interface Typed {
  reward: string | undefined;
  budget: string | undefined;
  labelsPerItem: string | undefined;
}

function costText(typed: Typed, token: TokenDisplay): string {
  const reward = parseTokens(typed.reward ?? "", token.decimals);
  const k = /^\s*\d{1,2}\s*$/.test(typed.labelsPerItem ?? "") ? BigInt(typed.labelsPerItem!.trim()) : null;
  if (reward === null || !k) return `Type the reward per label in ${token.symbol} to see what an item costs.`;
  const perItem = `Each item costs ${formatAmount(reward * k, token)} (${count(k, "label")} × ${formatAmount(reward, token)}).`;
  const budget = parseTokens(typed.budget ?? "", token.decimals);
  if (budget === null) return perItem;
  if (reward === 0n) return `${perItem} Labels are unpaid, so the budget limits nothing.`;
  const labels = budget / reward;
  const items = budget / (reward * k);
  return `${perItem} The budget pays for ${count(labels, "label")}, ${count(items, "item")} in full.`;
}

const count = (n: bigint, what: string) => `${n.toLocaleString("en-US")} ${what}${n === 1n ? "" : "s"}`;
