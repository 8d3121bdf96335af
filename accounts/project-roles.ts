// Who may do what on a project: the owner, the owner's team (co-owners and reviewers) and admins. One pure table.

/** The caller's standing on a project: its owner, a member of the owner's team, or an admin. */
export type ProjectRole = "owner" | "co_owner" | "reviewer" | "admin";

export const PROJECT_ACTIONS = [
  "view",
  "upload",
  "settings",
  "train",
  "review",
  "export",
  "fund",
  "bonus",
  "close",
  "team",
] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];

/** What each action covers, in words (the refusal message and the README's matrix use them). */
export const ACTION_WORDS: Record<ProjectAction, string> = {
  view: "view the project (dashboard, progress, quality, API reads)",
  upload: "upload items, generate responses or handle gold",
  settings: "change the project's settings",
  train: "train or publish reward models",
  review: "review answers",
  export: "export results",
  fund: "fund the project",
  bonus: "pay bonuses",
  close: "close and refund the project",
  team: "manage the team",
};

export const ROLE_WORDS: Record<ProjectRole, string> = {
  owner: "owner",
  co_owner: "co-owner",
  reviewer: "reviewer",
  admin: "admin",
};

const ALL = new Set<ProjectAction>(PROJECT_ACTIONS);

export const PROJECT_PERMISSIONS: Record<ProjectRole, ReadonlySet<ProjectAction>> = {
  owner: ALL,
  co_owner: new Set<ProjectAction>(["view", "upload", "settings", "train", "review", "export", "fund", "bonus"]),
  reviewer: new Set<ProjectAction>(["view", "review", "export"]),
  // Admins operate every project but its owner's team is the owner's own.
  admin: new Set<ProjectAction>(PROJECT_ACTIONS.filter((a) => a !== "team")),
};

export function mayDo(role: ProjectRole, action: ProjectAction): boolean {
  return PROJECT_PERMISSIONS[role].has(action);
}

/** The refusal shown to a member whose role does not allow the action. */
export function refusalMessage(role: ProjectRole, action: ProjectAction): string {
  const words = ROLE_WORDS[role];
  return `As ${/^[aeiou]/.test(words) ? "an" : "a"} ${words} of this project you may not ${ACTION_WORDS[action]}.`;
}

/** Every action the role allows, for pages that show or hide controls. */
export function permissionsOf(role: ProjectRole): Record<ProjectAction, boolean> {
  return Object.fromEntries(PROJECT_ACTIONS.map((a) => [a, mayDo(role, a)])) as Record<ProjectAction, boolean>;
}
