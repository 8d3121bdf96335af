// The audit log's actions and how each reads on the dashboard (shared by the server and the page).

import { formatAmount, type TokenDisplay } from "./tokens.ts";

export const AUDIT_ACTIONS = {
  "items.uploaded": "uploaded items",
  "responses.generated": "started response generation",
  "gold.revealed": "revealed the gold answers",
  "project.paused": "paused the project",
  "project.resumed": "resumed the project",
  "settings.changed": "changed a setting",
  "qualifications.changed": "changed who may label",
  "model.training": "started training a reward model",
  "model.published": "published a reward model",
  "export.downloaded": "exported results",
  "deposit.started": "started a deposit",
  "deposit.completed": "completed a deposit",
  "funding.recorded": "recorded funding (admin)",
  "project.closed": "closed the project",
  "team.invited": "invited a team member",
  "team.invitation_revoked": "withdrew an invitation",
  "team.joined": "joined the team",
  "team.role_changed": "changed a member's role",
  "team.removed": "removed a member",
  "bonus.paid": "paid a bonus",
  "answers.approved": "approved answers",
  "answers.rejected": "rejected answers",
  "appeal.decided": "decided an appeal",
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** Detail keys that name people: shown to the owner only (members never see each other's or the owner's email). */
const PRIVATE_DETAILS = new Set(["email"]);
/** Detail keys holding token amounts (base units, as decimal strings): read in tokens like every amount. */
const AMOUNT_DETAILS = new Set(["amount", "rewardPerLabel", "budget", "total"]);

function detailValue(key: string, value: unknown, token: TokenDisplay): string {
  if (
    AMOUNT_DETAILS.has(key) &&
    (typeof value === "string" || typeof value === "number") &&
    /^\d+$/.test(String(value))
  )
    return formatAmount(BigInt(value), token);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * The entry's details as short "key: value" words, amounts in tokens; emails left out unless the reader is the
 * owner or an admin.
 */
export function auditDetailWords(
  details: Record<string, unknown> | null,
  showEmails: boolean,
  token: TokenDisplay,
): string {
  if (!details) return "";
  return Object.entries(details)
    .filter(([key, value]) => value !== undefined && (showEmails || !PRIVATE_DETAILS.has(key)))
    .map(([key, value]) => `${key}: ${detailValue(key, value, token)}`)
    .join(", ");
}

export function auditActionWords(action: string): string {
  return (AUDIT_ACTIONS as Record<string, string>)[action] ?? action;
}
